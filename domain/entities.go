package domain

// AllEntities returns a zero value of every entity of the IAM slice, in
// table order (tables.go). Tests and the schema alignment walk it; adding an
// entity without listing it here makes the domain tests fail.
func AllEntities() []Entity {
	return []Entity{
		User{}, Organization{}, Team{}, Session{}, File{}, Folder{},
		Account{}, Verification{}, Member{}, TeamMember{}, Invitation{},
		OrganizationRole{}, TwoFactor{}, Passkey{}, APIKey{}, JWKS{},
		DeviceCode{}, SSOProvider{}, SCIMProvider{}, Subscription{},
		WalletAddress{}, RateLimit{}, OAuthApplication{}, OAuthAccessToken{},
		OAuthConsent{},
	}
}

// EntityByTable returns the zero entity stored in table, if any.
func EntityByTable(table string) (Entity, bool) {
	for _, e := range AllEntities() {
		if e.TableName() == table {
			return e, true
		}
	}
	return nil, false
}
