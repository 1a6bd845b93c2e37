package schema

import "github.com/beep/iam/domain"

// The tables of Better Auth 1.7's @better-auth/scim (migration 0005). SCIM
// connections are code-defined in 1.7 (or managed: the scimManaged* tables)
// and none of its rows carries an organization: Better Auth projects SCIM
// users into memberships through the app's own callbacks. The tables are
// therefore global, like the users they provision; the legacy
// iam_scim_provider (≤ 1.6) stays beside them.

// SCIMManagedConnection is iam_scim_managed_connection (Better Auth
// scimManagedConnection, with managedConnections configured).
var SCIMManagedConnection = NewTable(domain.TableSCIMManagedConnection,
	Field(ColCreatedAt, "createdAt"), Field(ColCreatedBy, "createdBy"),
	Text("creation_request_id").Required().UniqueKey().BA("creationRequestId"),
	Text("connection_id").Required().UniqueKey().BA("connectionId"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Text("status").Required().BA("status"),
	Int("revision").Required().BA("revision"),
	Timestamptz("decommission_started_at").BA("decommissionStartedAt"),
	Text("decommission_started_by").BA("decommissionStartedBy"),
	Timestamptz("decommissioned_at").BA("decommissionedAt"),
	Text("decommissioned_by").BA("decommissionedBy"),

	Idx("scim_managed_connection_provisioning_domain_id_idx", "provisioning_domain_id"),

	Many("scimManagedCredentials", domain.TableSCIMManagedCredential, "connection_record_id"),
	Many("scimManagedConnectionEvents", domain.TableSCIMManagedConnectionEvent, "connection_record_id"),
).GoNoParams().GoNoPatch().Model("scimManagedConnection").
	GoDoc("is a managed SCIM connection (iam_scim_managed_connection, global; only with managedConnections). CreatedBy (Audit) is Better Auth's createdBy.").Describe("Managed SCIM connections (Better Auth 1.7 scimManagedConnection).")

// SCIMManagedCredential is iam_scim_managed_credential: a bearer credential
// of a managed connection, stored as token_digest =
// base64url(HMAC-SHA256(credentialHashSecret, token)).
var SCIMManagedCredential = NewTable(domain.TableSCIMManagedCredential,
	Field(ColCreatedAt, "createdAt"), Field(ColCreatedBy, "createdBy"),
	Text("connection_record_id").Required().References(domain.TableSCIMManagedConnection, ColID, Cascade, Cascade).BA("connectionRecordId"),
	Text("credential_id").Required().UniqueKey().BA("credentialId"),
	Text("token_digest").Required().BA("tokenDigest").Secret().Describe("base64url(HMAC-SHA256(credentialHashSecret, token))"),
	Text("hash_version").Required().BA("hashVersion"),
	Text("active_slot_key").Required().UniqueKey().BA("activeSlotKey"),
	Text("status").Required().BA("status"),
	Text("serialized_scopes").Required().BA("serializedScopes"),
	Timestamptz("expires_at").Required().BA("expiresAt"),
	Timestamptz("last_used_at").BA("lastUsedAt"),
	Timestamptz("revoked_at").BA("revokedAt"),
	Text("revoked_by").BA("revokedBy"),
	Timestamptz("decommissioned_at").BA("decommissionedAt"),

	Idx("scim_managed_credential_connection_record_id_idx", "connection_record_id"),

	One("scimManagedConnection", domain.TableSCIMManagedConnection, "connection_record_id"),
).GoNoParams().GoNoPatch().Model("scimManagedCredential").
	GoDoc("is a bearer credential of a managed SCIM connection (iam_scim_managed_credential, global). TokenDigest = base64url(HMAC-SHA256(credentialHashSecret, token)) is a secret.").Describe("Credentials of managed SCIM connections (Better Auth 1.7 scimManagedCredential).")

// SCIMManagedConnectionEvent is iam_scim_managed_connection_event.
var SCIMManagedConnectionEvent = NewTable(domain.TableSCIMManagedConnectionEvent,
	Field(ColCreatedAt, "createdAt"),
	Text("connection_record_id").Required().References(domain.TableSCIMManagedConnection, ColID, Cascade, Cascade).BA("connectionRecordId"),
	Text("event_key").Required().UniqueKey().BA("eventKey"),
	Int("sequence").Required().BA("sequence"),
	Text("type").Required().BA("type"),
	Text("actor_id").Required().BA("actorId"),
	Text("credential_id").BA("credentialId"),

	Idx("scim_managed_connection_event_connection_record_id_idx", "connection_record_id"),

	One("scimManagedConnection", domain.TableSCIMManagedConnection, "connection_record_id"),
).GoNoParams().GoNoPatch().Model("scimManagedConnectionEvent").
	GoDoc("is an event of a managed SCIM connection (iam_scim_managed_connection_event, global).").Describe("Events of managed SCIM connections (Better Auth 1.7 scimManagedConnectionEvent).")

// SCIMConnectionBinding is iam_scim_connection_binding: a connection's
// persisted binding to its provisioning domain and its decommission state.
var SCIMConnectionBinding = NewTable(domain.TableSCIMConnectionBinding,
	Field(ColCreatedAt, "createdAt"),
	Text("connection_id").Required().BA("connectionId"),
	Text("connection_key").Required().UniqueKey().BA("connectionKey"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Timestamptz("decommissioned_at").BA("decommissionedAt"),
	Text("decommission_status").Required().DefaultText("active").BA("decommissionStatus"),
	Text("decommission_cursor_user_id").BA("decommissionCursorUserId"),
	Int("decommission_reconciled_user_count").Required().DefaultInt(0).BA("decommissionReconciledUserCount"),
	Int("decommission_batch_count").Required().DefaultInt(0).BA("decommissionBatchCount"),
	Int("decommission_revision").Required().DefaultInt(0).BA("decommissionRevision"),
	Timestamptz("decommission_completed_at").BA("decommissionCompletedAt"),
	Text("decommission_lease_id").BA("decommissionLeaseId"),
	Timestamptz("decommission_lease_expires_at").BA("decommissionLeaseExpiresAt"),

	Idx("scim_connection_binding_connection_id_idx", "connection_id"),
).GoNoParams().GoNoPatch().Model("scimConnectionBinding").
	GoDoc("is a SCIM connection's binding to its provisioning domain and its decommission state (iam_scim_connection_binding, global).").Describe("SCIM connection bindings (Better Auth 1.7 scimConnectionBinding).")

// SCIMIdentityTombstone is iam_scim_identity_tombstone: what is left of a
// deleted SCIM identity. Better Auth's deletedAt is identity_deleted_at:
// deleted_at is our soft-delete marker, which the store filters on.
var SCIMIdentityTombstone = NewTable(domain.TableSCIMIdentityTombstone,
	Text("connection_id").Required().BA("connectionId"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Text("external_id").Required().BA("externalId"),
	Text("external_id_key").Required().UniqueKey().BA("externalIdKey"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("profile").Required().BA("profile").Describe("JSON text written by Better Auth"),
	Timestamptz("identity_deleted_at").Required().BA("deletedAt").Describe("Better Auth's deletedAt: when the SCIM identity was deleted"),

	Idx("scim_identity_tombstone_connection_id_idx", "connection_id"),
	Idx("scim_identity_tombstone_provisioning_domain_id_idx", "provisioning_domain_id"),
	Idx("scim_identity_tombstone_user_id_idx", "user_id"),

	One("user", domain.TableUser, "user_id"),
).GoNoParams().GoNoPatch().Model("scimIdentityTombstone").
	GoDoc("is what is left of a deleted SCIM identity (iam_scim_identity_tombstone, global). IdentityDeletedAt is Better Auth's deletedAt (DeletedAt of Audit stays the soft-delete marker).").Describe("Tombstones of deleted SCIM identities (Better Auth 1.7 scimIdentityTombstone).")

// SCIMSubject is iam_scim_subject: one per provisioned user.
var SCIMSubject = NewTable(domain.TableSCIMSubject,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("user_id").Required().UniqueKey().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("profile_source_id").BA("profileSourceId").Describe("the iam_scim_user whose profile the user shows"),
	Int("revision").Required().BA("revision"),

	Idx("scim_subject_profile_source_id_idx", "profile_source_id"),

	One("user", domain.TableUser, "user_id"),
).GoNoParams().GoNoPatch().Model("scimSubject").
	GoDoc("is the SCIM subject of a provisioned user (iam_scim_subject, global; one per user).").Describe("SCIM subjects, one per provisioned user (Better Auth 1.7 scimSubject).")

// SCIMUser is iam_scim_user: a user as one SCIM connection provisioned it.
var SCIMUser = NewTable(domain.TableSCIMUser,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("connection_id").Required().BA("connectionId"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("connection_user_key").Required().UniqueKey().BA("connectionUserKey"),
	Text("user_name").Required().BA("userName"),
	Text("user_name_key").Required().UniqueKey().BA("userNameKey"),
	Text("primary_email").Required().BA("primaryEmail"),
	Text("work_email_value_index").Required().BA("workEmailValueIndex").Describe("|token|token| list, searched with LIKE"),
	Text("email_value_index").Required().BA("emailValueIndex").Describe("|token|token| list, searched with LIKE"),
	Text("display_name").Required().BA("displayName"),
	Text("formatted_name").Required().BA("formattedName"),
	Text("given_name").BA("givenName"),
	Text("family_name").BA("familyName"),
	Text("serialized_emails").Required().BA("serializedEmails"),
	Text("serialized_attributes").BA("serializedAttributes"),
	Text("external_id").BA("externalId"),
	Text("external_id_key").UniqueKey().BA("externalIdKey"),
	Bool("active").Required().BA("active"),
	Text("order_key").Required().UniqueKey().BA("orderKey"),

	Idx("scim_user_connection_id_idx", "connection_id"),
	Idx("scim_user_provisioning_domain_id_idx", "provisioning_domain_id"),
	Idx("scim_user_user_id_idx", "user_id"),

	One("user", domain.TableUser, "user_id"),
	Many("scimProjectionGrants", domain.TableSCIMProjectionGrant, "scim_user_id"),
	Many("scimGroupMembers", domain.TableSCIMGroupMember, "scim_user_id"),
).GoNoParams().GoNoPatch().Model("scimUser").
	GoDoc("is a user as one SCIM connection provisioned it (iam_scim_user, global).").Describe("SCIM users per connection (Better Auth 1.7 scimUser).")

// SCIMProjectionGrant is iam_scim_projection_grant: a role a SCIM source
// grants a user.
var SCIMProjectionGrant = NewTable(domain.TableSCIMProjectionGrant,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("connection_id").Required().BA("connectionId"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Text("scim_user_id").Required().References(domain.TableSCIMUser, ColID, Cascade, Cascade).BA("scimUserId"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("source_kind").Required().BA("sourceKind"),
	Text("source_id").Required().BA("sourceId"),
	Text("source_value").BA("sourceValue"),
	Text("role").Required().BA("role"),
	Text("grant_key").Required().UniqueKey().BA("grantKey"),

	Idx("scim_projection_grant_connection_id_idx", "connection_id"),
	Idx("scim_projection_grant_provisioning_domain_id_idx", "provisioning_domain_id"),
	Idx("scim_projection_grant_scim_user_id_idx", "scim_user_id"),
	Idx("scim_projection_grant_user_id_idx", "user_id"),

	One("scimUser", domain.TableSCIMUser, "scim_user_id"),
	One("user", domain.TableUser, "user_id"),
).GoNoParams().GoNoPatch().Model("scimProjectionGrant").
	GoDoc("is a role a SCIM source grants a user (iam_scim_projection_grant, global).").Describe("Roles SCIM sources grant (Better Auth 1.7 scimProjectionGrant).")

// SCIMGroup is iam_scim_group.
var SCIMGroup = NewTable(domain.TableSCIMGroup,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("connection_id").Required().BA("connectionId"),
	Text("provisioning_domain_id").Required().BA("provisioningDomainId"),
	Int("revision").Required().DefaultInt(0).BA("revision"),
	Text("display_name").Required().BA("displayName"),
	Text("display_name_key").Required().UniqueKey().BA("displayNameKey"),
	Text("external_id").BA("externalId"),
	Text("external_id_key").UniqueKey().BA("externalIdKey"),
	Text("order_key").Required().UniqueKey().BA("orderKey"),

	Idx("scim_group_connection_id_idx", "connection_id"),
	Idx("scim_group_provisioning_domain_id_idx", "provisioning_domain_id"),

	Many("scimGroupMembers", domain.TableSCIMGroupMember, "group_id"),
).GoNoParams().GoNoPatch().Model("scimGroup").
	GoDoc("is a SCIM group (iam_scim_group, global).").Describe("SCIM groups (Better Auth 1.7 scimGroup).")

// SCIMGroupMember is iam_scim_group_member.
var SCIMGroupMember = NewTable(domain.TableSCIMGroupMember,
	Field(ColCreatedAt, "createdAt"),
	Text("connection_id").Required().BA("connectionId"),
	Text("group_id").Required().References(domain.TableSCIMGroup, ColID, Cascade, Cascade).BA("groupId"),
	Text("scim_user_id").Required().References(domain.TableSCIMUser, ColID, Cascade, Cascade).BA("scimUserId"),
	Text("membership_key").Required().UniqueKey().BA("membershipKey"),

	Idx("scim_group_member_connection_id_idx", "connection_id"),
	Idx("scim_group_member_group_id_idx", "group_id"),
	Idx("scim_group_member_scim_user_id_idx", "scim_user_id"),

	One("scimGroup", domain.TableSCIMGroup, "group_id"),
	One("scimUser", domain.TableSCIMUser, "scim_user_id"),
).GoNoParams().GoNoPatch().Model("scimGroupMember").
	GoDoc("is a member of a SCIM group (iam_scim_group_member, global).").Describe("Members of SCIM groups (Better Auth 1.7 scimGroupMember).")
