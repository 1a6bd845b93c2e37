package schema

// touchRow keeps updated_at and version for every writer (Go, Better Auth,
// psql): optimistic locking is WHERE id = $1 AND version = $2.
var touchRow = &Function{
	Name: TouchFunction,
	Doc:  "BEFORE UPDATE on every table: updated_at = now(), version = OLD.version + 1.",
	Body: `
BEGIN
  NEW.updated_at := now();
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
`,
}

// teamMemberOrg derives iam_team_member.organization_id from its team:
// Better Auth does not write it. A value that disagrees with the team is
// refused, so a team member can never sit in another organization than its
// team. A team the current role cannot see (row level security) counts as
// missing.
var teamMemberOrg = &Function{
	Name: "iam_team_member_derive_org",
	Doc:  "BEFORE INSERT OR UPDATE on iam_team_member: organization_id = the team's organization.",
	Body: `
DECLARE
  team_org text;
BEGIN
  SELECT t.organization_id INTO team_org FROM shared_team t WHERE t.id = NEW.team_id;
  IF team_org IS NULL THEN
    RAISE EXCEPTION 'iam_team_member.team_id: team % not found', NEW.team_id
      USING ERRCODE = 'foreign_key_violation', COLUMN = 'team_id', TABLE = 'iam_team_member';
  END IF;
  IF NEW.organization_id IS NULL THEN
    NEW.organization_id := team_org;
  ELSIF NEW.organization_id <> team_org THEN
    RAISE EXCEPTION 'iam_team_member.organization_id: % is not the organization of team %', NEW.organization_id, NEW.team_id
      USING ERRCODE = 'check_violation', COLUMN = 'organization_id', TABLE = 'iam_team_member';
  END IF;
  RETURN NEW;
END;
`,
}

// apikeyOwner reconciles iam_apikey.reference_id (what Better Auth writes:
// the owning user's or organization's id) with user_id and organization_id
// (what Go writes and what row level security needs). Ids carry their table
// prefix, so the owner kind is read from the reference itself.
var apikeyOwner = &Function{
	Name: "iam_apikey_derive_owner",
	Doc:  "BEFORE INSERT OR UPDATE on iam_apikey: reference_id <-> organization_id / user_id.",
	Body: `
BEGIN
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := COALESCE(NEW.organization_id, NEW.user_id);
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
  ELSIF starts_with(NEW.reference_id, 'shared_user__') THEN
    NEW.user_id := COALESCE(NEW.user_id, NEW.reference_id);
  END IF;
  RETURN NEW;
END;
`,
}

// subscriptionOwner reconciles iam_subscription.reference_id (Better Auth's
// owner: a user or an organization) with organization_id.
var subscriptionOwner = &Function{
	Name: "iam_subscription_derive_org",
	Doc:  "BEFORE INSERT OR UPDATE on iam_subscription: reference_id <-> organization_id.",
	Body: `
BEGIN
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := NEW.organization_id;
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
  END IF;
  RETURN NEW;
END;
`,
}

// invitationTeams checks iam_invitation.team_id, which Better Auth writes as
// one team id or a comma-separated list of them (multi-team invitations): a
// foreign key cannot hold a list, so this trigger refuses any listed team
// that does not exist in the invitation's organization.
var invitationTeams = &Function{
	Name: "iam_invitation_check_teams",
	Doc:  "BEFORE INSERT OR UPDATE on iam_invitation: every team of team_id (comma-separated) exists in the organization.",
	Body: `
DECLARE
  t text;
BEGIN
  IF NEW.team_id IS NULL OR NEW.team_id = '' THEN
    RETURN NEW;
  END IF;
  FOREACH t IN ARRAY string_to_array(NEW.team_id, ',') LOOP
    IF NOT EXISTS (SELECT 1 FROM shared_team s WHERE s.id = btrim(t) AND s.organization_id = NEW.organization_id) THEN
      RAISE EXCEPTION 'iam_invitation.team_id: team % not found in organization %', btrim(t), NEW.organization_id
        USING ERRCODE = 'foreign_key_violation', COLUMN = 'team_id', TABLE = 'iam_invitation';
    END IF;
  END LOOP;
  RETURN NEW;
END;
`,
}
