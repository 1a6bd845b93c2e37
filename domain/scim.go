package domain

// The entities of Better Auth 1.7's @better-auth/scim (migration 0005).
// Better Auth writes every one of them inside its own transactions (the
// SCIM lifecycle) and keeps their invariants (the *Key columns are its
// uniqueness keys); Go reads, reports and purges them, so these entities
// have Validate but no constructors. All are global: no SCIM row carries an
// organization.

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMManagedConnection) Validate() error {
	v := NewValidator(TableSCIMManagedConnection)
	v.text("creationRequestId", e.CreationRequestID, 1, MaxTextLength)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.text("status", e.Status, 1, MaxTextLength)
	v.nonNegative("revision", int64(e.Revision))
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMManagedCredential) Validate() error {
	v := NewValidator(TableSCIMManagedCredential)
	v.requiredID("connectionRecordId", e.ConnectionRecordID)
	v.text("credentialId", e.CredentialID, 1, MaxTextLength)
	v.secret("tokenDigest", e.TokenDigest)
	v.text("hashVersion", e.HashVersion, 1, MaxTextLength)
	v.text("activeSlotKey", e.ActiveSlotKey, 1, MaxTextLength)
	v.text("status", e.Status, 1, MaxTextLength)
	v.text("serializedScopes", e.SerializedScopes, 1, MaxTextLength)
	v.Check(!e.ExpiresAt.IsZero(), "expiresAt", "required", "expiresAt is required")
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMManagedConnectionEvent) Validate() error {
	v := NewValidator(TableSCIMManagedConnectionEvent)
	v.requiredID("connectionRecordId", e.ConnectionRecordID)
	v.text("eventKey", e.EventKey, 1, MaxTextLength)
	v.nonNegative("sequence", int64(e.Sequence))
	v.text("type", e.Type, 1, MaxTextLength)
	v.text("actorId", e.ActorID, 1, MaxTextLength)
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMConnectionBinding) Validate() error {
	v := NewValidator(TableSCIMConnectionBinding)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("connectionKey", e.ConnectionKey, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.text("decommissionStatus", e.DecommissionStatus, 1, MaxTextLength)
	v.nonNegative("decommissionReconciledUserCount", int64(e.DecommissionReconciledUserCount))
	v.nonNegative("decommissionBatchCount", int64(e.DecommissionBatchCount))
	v.nonNegative("decommissionRevision", int64(e.DecommissionRevision))
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMIdentityTombstone) Validate() error {
	v := NewValidator(TableSCIMIdentityTombstone)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.text("externalId", e.ExternalID, 1, MaxTextLength)
	v.text("externalIdKey", e.ExternalIDKey, 1, MaxTextLength)
	v.requiredID("userId", e.UserID)
	v.text("profile", e.Profile, 1, MaxTextLength)
	v.Check(!e.IdentityDeletedAt.IsZero(), "deletedAt", "required", "deletedAt is required")
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMSubject) Validate() error {
	v := NewValidator(TableSCIMSubject)
	v.requiredID("userId", e.UserID)
	v.nonNegative("revision", int64(e.Revision))
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMUser) Validate() error {
	v := NewValidator(TableSCIMUser)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.requiredID("userId", e.UserID)
	v.text("connectionUserKey", e.ConnectionUserKey, 1, MaxTextLength)
	v.text("userName", e.UserName, 1, MaxTextLength)
	v.text("userNameKey", e.UserNameKey, 1, MaxTextLength)
	v.text("primaryEmail", e.PrimaryEmail, 1, MaxTextLength)
	v.text("displayName", e.DisplayName, 1, MaxTextLength)
	v.text("formattedName", e.FormattedName, 1, MaxTextLength)
	v.text("serializedEmails", e.SerializedEmails, 1, MaxTextLength)
	v.text("orderKey", e.OrderKey, 1, MaxTextLength)
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMProjectionGrant) Validate() error {
	v := NewValidator(TableSCIMProjectionGrant)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.requiredID("scimUserId", e.SCIMUserID)
	v.requiredID("userId", e.UserID)
	v.text("sourceKind", e.SourceKind, 1, MaxTextLength)
	v.text("sourceId", e.SourceID, 1, MaxTextLength)
	v.text("role", e.Role, 1, MaxTextLength)
	v.text("grantKey", e.GrantKey, 1, MaxTextLength)
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMGroup) Validate() error {
	v := NewValidator(TableSCIMGroup)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.text("provisioningDomainId", e.ProvisioningDomainID, 1, MaxTextLength)
	v.nonNegative("revision", int64(e.Revision))
	v.text("displayName", e.DisplayName, 1, MaxTextLength)
	v.text("displayNameKey", e.DisplayNameKey, 1, MaxTextLength)
	v.text("orderKey", e.OrderKey, 1, MaxTextLength)
	return v.Err()
}

// Validate checks the fields Better Auth always writes and reports all failures.
func (e SCIMGroupMember) Validate() error {
	v := NewValidator(TableSCIMGroupMember)
	v.text("connectionId", e.ConnectionID, 1, MaxTextLength)
	v.requiredID("groupId", e.GroupID)
	v.requiredID("scimUserId", e.SCIMUserID)
	v.text("membershipKey", e.MembershipKey, 1, MaxTextLength)
	return v.Err()
}
