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
// prefix, so the owner kind is read from the reference itself. The owner
// must be consistent, whoever writes: an organization's key references its
// own organization (no relabelling a key of A as B's), a user's key
// references its user and belongs to no organization. An UPDATE that leaves
// the three owner columns alone (verification counters, renames) skips the
// work.
var apikeyOwner = &Function{
	Name: "iam_apikey_derive_owner",
	Doc:  "BEFORE INSERT OR UPDATE on iam_apikey: reference_id <-> organization_id / user_id, consistent.",
	Body: `
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.reference_id IS NOT DISTINCT FROM OLD.reference_id
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id
     AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
    RETURN NEW;
  END IF;
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := COALESCE(NEW.organization_id, NEW.user_id);
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
    IF NEW.organization_id <> NEW.reference_id THEN
      RAISE EXCEPTION 'iam_apikey.reference_id: an organization''s key must reference that organization (organization_id)'
        USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = 'iam_apikey';
    END IF;
  ELSIF starts_with(NEW.reference_id, 'shared_user__') THEN
    NEW.user_id := COALESCE(NEW.user_id, NEW.reference_id);
    IF NEW.user_id <> NEW.reference_id THEN
      RAISE EXCEPTION 'iam_apikey.reference_id: a user''s key must reference that user (user_id)'
        USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = 'iam_apikey';
    END IF;
    IF NEW.organization_id IS NOT NULL THEN
      RAISE EXCEPTION 'iam_apikey.organization_id: a user''s key (reference_id a user) belongs to no organization'
        USING ERRCODE = 'check_violation', COLUMN = 'organization_id', TABLE = 'iam_apikey';
    END IF;
  ELSE
    RAISE EXCEPTION 'iam_apikey.reference_id: must be a shared_user__ or shared_organization__ id'
      USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = 'iam_apikey';
  END IF;
  RETURN NEW;
END;
`,
}

// subscriptionOwner reconciles iam_subscription.reference_id (Better Auth's
// owner: a user or an organization) with organization_id, under the same
// rules as API keys: an organization's subscription references that
// organization, a user's subscription belongs to no organization.
var subscriptionOwner = &Function{
	Name: "iam_subscription_derive_org",
	Doc:  "BEFORE INSERT OR UPDATE on iam_subscription: reference_id <-> organization_id, consistent.",
	Body: `
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.reference_id IS NOT DISTINCT FROM OLD.reference_id
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id THEN
    RETURN NEW;
  END IF;
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := NEW.organization_id;
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
    IF NEW.organization_id <> NEW.reference_id THEN
      RAISE EXCEPTION 'iam_subscription.reference_id: an organization''s subscription must reference that organization (organization_id)'
        USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = 'iam_subscription';
    END IF;
  ELSIF starts_with(NEW.reference_id, 'shared_user__') THEN
    IF NEW.organization_id IS NOT NULL THEN
      RAISE EXCEPTION 'iam_subscription.organization_id: a user''s subscription (reference_id a user) belongs to no organization'
        USING ERRCODE = 'check_violation', COLUMN = 'organization_id', TABLE = 'iam_subscription';
    END IF;
  ELSE
    RAISE EXCEPTION 'iam_subscription.reference_id: must be a shared_user__ or shared_organization__ id'
      USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = 'iam_subscription';
  END IF;
  RETURN NEW;
END;
`,
}

// tenantGuard keeps organization-scoped rows in their organization. Row
// level security checks the new row against the current tenant, but a
// writer that bypasses it (Better Auth's role, psql) or an optional-tenant
// table's NULL arm (organization_id NULL is visible to every tenant) would
// otherwise let a row change owner or leave tenancy. The one change let
// through is the cascade of an organization's id (ON UPDATE CASCADE): the
// old organization no longer exists then.
var tenantGuard = &Function{
	Name: TenantGuardFunction,
	Doc:  "BEFORE UPDATE on every organization-scoped table: organization_id never changes.",
	Body: `
BEGIN
  IF NEW.organization_id IS DISTINCT FROM OLD.organization_id
     AND (OLD.organization_id IS NULL
          OR EXISTS (SELECT 1 FROM shared_organization o WHERE o.id = OLD.organization_id)) THEN
    RAISE EXCEPTION '%.organization_id: a row cannot move to another organization, or into or out of one', TG_TABLE_NAME
      USING ERRCODE = 'check_violation', COLUMN = 'organization_id', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END;
`,
}

// sameTenant backs SameTenant: the column TG_ARGV[0] of the new row must
// name a row of table TG_ARGV[1] (by its column TG_ARGV[2]) that belongs to
// the new row's organization or to none. A foreign key alone checks
// existence across tenants (and its error tells a tenant which of another
// tenant's ids exist); this trigger runs first and answers "not found" for a
// missing row and another tenant's alike. A row written without an
// organization (Better Auth does not know organization_id) takes the
// organization of the row it references, as a team member takes its team's. Run by a role under row level
// security, the lookup sees only the current tenant's rows; run by a role
// that bypasses it, the organizations are compared.
var sameTenant = &Function{
	Name: SameTenantFunction,
	Doc:  "BEFORE INSERT OR UPDATE: the reference TG_ARGV[0] -> TG_ARGV[1](TG_ARGV[2]) stays in the row's organization.",
	Body: `
DECLARE
  v_ref text := to_jsonb(NEW) ->> TG_ARGV[0];
  v_found boolean;
  v_org text;
BEGIN
  IF v_ref IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE'
     AND v_ref IS NOT DISTINCT FROM (to_jsonb(OLD) ->> TG_ARGV[0])
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id THEN
    RETURN NEW;
  END IF;
  EXECUTE format('SELECT true, p.organization_id FROM %I p WHERE p.%I = $1', TG_ARGV[1], TG_ARGV[2])
    INTO v_found, v_org USING v_ref;
  IF v_found IS NULL OR (v_org IS NOT NULL AND NEW.organization_id IS NOT NULL AND v_org <> NEW.organization_id) THEN
    RAISE EXCEPTION '%.%: % not found in the organization of the row', TG_TABLE_NAME, TG_ARGV[0], v_ref
      USING ERRCODE = 'foreign_key_violation', COLUMN = TG_ARGV[0], TABLE = TG_TABLE_NAME;
  END IF;
  IF NEW.organization_id IS NULL THEN
    NEW.organization_id := v_org;
  END IF;
  RETURN NEW;
END;
`,
}

// sessionActiveOrg makes shared_session.active_organization_id a membership
// of the session's user: the view iam_session_lookup, which must cross
// tenants before the tenant is known, returns the user's member row of that
// organization, so a session planted with another organization would
// otherwise reveal that organization's membership. Checked when the active
// organization or the user changes; under row level security the member
// row is visible only with that organization as the current tenant (the
// store's SetActiveOrganization runs so). A membership removed later leaves
// the session alone: the view joins live members only.
var sessionActiveOrg = &Function{
	Name: "iam_session_check_active_org",
	Doc:  "BEFORE INSERT OR UPDATE on shared_session: active_organization_id is an organization the user is a live member of.",
	Body: `
BEGIN
  IF NEW.active_organization_id IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE'
     AND NEW.active_organization_id IS NOT DISTINCT FROM OLD.active_organization_id
     AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id THEN
    RETURN NEW;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM iam_member m
                 WHERE m.organization_id = NEW.active_organization_id
                   AND m.user_id = NEW.user_id AND m.deleted_at IS NULL) THEN
    RAISE EXCEPTION 'shared_session.active_organization_id: the session''s user is not a member of organization %', NEW.active_organization_id
      USING ERRCODE = 'check_violation', COLUMN = 'active_organization_id', TABLE = 'shared_session';
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

// SessionChangesChannel is the LISTEN/NOTIFY channel on which the triggers
// of migration 0004 announce every change that can end or alter what a
// session cookie proves: a session updated or deleted, a user updated or
// deleted (a ban, a role), a membership added, changed or removed. The
// payload is one id with its table prefix: a shared_session__ id or a
// shared_user__ id, never a token. store.SessionCache listens on it.
const SessionChangesChannel = "iam_session_changes"

// notifySessionChange announces a changed or deleted session or user by its
// id. A deleted session that had already expired is not announced: no
// cache serves an expired session, and a clean-up of expired sessions
// would otherwise queue one notification per row. AFTER trigger: the
// change is final, and a rolled-back transaction sends nothing.
var notifySessionChange = &Function{
	Name: "iam_notify_session_change",
	Doc:  "AFTER UPDATE OR DELETE on shared_session and shared_user: NOTIFY iam_session_changes with the row's id (store.SessionCache).",
	Body: `
BEGIN
  IF TG_TABLE_NAME = 'shared_session' THEN
    -- nested: OLD.expires_at exists on shared_session only
    IF TG_OP = 'DELETE' AND OLD.expires_at <= pg_catalog.now() THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_catalog.pg_notify('` + SessionChangesChannel + `', OLD.id);
  IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
    PERFORM pg_catalog.pg_notify('` + SessionChangesChannel + `', NEW.id);
  END IF;
  RETURN NULL;
END;
`,
}

// notifyMemberChange announces a membership added, changed or removed by
// its user's id: the session lookup returns the membership of the
// session's active organization, so every session of that user may have
// changed.
var notifyMemberChange = &Function{
	Name: "iam_notify_member_change",
	Doc:  "AFTER INSERT OR UPDATE OR DELETE on iam_member: NOTIFY iam_session_changes with the member's user id (store.SessionCache).",
	Body: `
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_catalog.pg_notify('` + SessionChangesChannel + `', OLD.user_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
    PERFORM pg_catalog.pg_notify('` + SessionChangesChannel + `', NEW.user_id);
  END IF;
  RETURN NULL;
END;
`,
}

// NotifyTrigger is the name of the trigger that runs notifySessionChange or
// notifyMemberChange on shared_session, shared_user and iam_member.
const NotifyTrigger = "iam_notify_session_change"

// SyncReferenceOrgTrigger is the trigger that runs syncReferenceOrg. Its
// name sorts after iam_same_tenant_* (which may fill organization_id from
// the client) and before iam_tenant_guard (which then sees the result).
const SyncReferenceOrgTrigger = "iam_sync_reference_org"

// syncReferenceOrg ties reference_id (Better Auth's owner or consent
// reference, free text it writes) to organization_id on the oauth-provider
// tables (migration 0005), as the API key and subscription owners are tied
// (rule 3 of docs/security.md): a reference to an organization makes the
// row that organization's, and a row of an organization references no other
// organization. With TG_ARGV[0] = 'owner' (clients) reference_id is the
// owner: left out it becomes organization_id, and an organization's client
// references that organization and nothing else. Other references (a user's
// id, an app's own value) are left alone.
var syncReferenceOrg = &Function{
	Name: "iam_sync_reference_org",
	Doc:  "BEFORE INSERT OR UPDATE on the oauth-provider tables: reference_id <-> organization_id, consistent.",
	Body: `
DECLARE
  v_owner boolean := TG_NARGS > 0 AND TG_ARGV[0] = 'owner';
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.reference_id IS NOT DISTINCT FROM OLD.reference_id
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id THEN
    RETURN NEW;
  END IF;
  IF v_owner AND NEW.reference_id IS NULL THEN
    NEW.reference_id := NEW.organization_id;
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
    IF NEW.organization_id <> NEW.reference_id THEN
      RAISE EXCEPTION '%.reference_id: a row of an organization cannot reference another organization (organization_id)', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = TG_TABLE_NAME;
    END IF;
  ELSIF v_owner AND NEW.organization_id IS NOT NULL THEN
    RAISE EXCEPTION '%.reference_id: an organization''s client must reference that organization (organization_id)', TG_TABLE_NAME
      USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END;
`,
}

// syncReferenceOrgTrigger declares the trigger of syncReferenceOrg with its
// arguments ("owner" for clients).
func syncReferenceOrgTrigger(args ...string) *Trigger {
	return NewTrigger(SyncReferenceOrgTrigger, "BEFORE", syncReferenceOrg.Name, "INSERT", "UPDATE").WithArgs(args...)
}
