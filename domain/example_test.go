package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/beep/iam/domain"
)

// Ids of different entities are different types. Passing a member id where a
// user id is expected does not compile:
//
//	var memberID domain.MemberID = domain.NewID[domain.Member]()
//	domain.NewMember(domain.MemberParams{UserID: memberID})
//	// cannot use memberID (variable of struct type domain.MemberID) as
//	// domain.UserID value in struct literal
//
// (TestTypedIDs_AMemberIDIsNotAUserIDAtCompileTime type-checks this snippet.)
//
// At run time, parsing another table's id fails and names the wrong part.
func ExampleParseID() {
	_, err := domain.ParseID[domain.User]("iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000")
	fmt.Println(err)
	id, _ := domain.ParseID[domain.User]("shared_user__0190F3C2-7B1A-7CC2-9F00-000000000000")
	fmt.Println(id)
	// Output:
	// invalid shared_user id "iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000": prefix is "iam_member", want "shared_user"
	// shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000
}

func ExampleNewMember() {
	m, err := domain.NewMember(domain.MemberParams{
		OrganizationID: domain.MustParseID[domain.Organization]("shared_organization__0190f3c2-7b1a-7cc2-9f00-000000000001"),
		UserID:         domain.MustParseID[domain.User]("shared_user__0190f3c2-7b1a-7cc2-9f00-000000000002"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Role, m.Status, strings.HasPrefix(m.ID.String(), domain.TableMember+"__"))
	// Output: member active true
}

func ExampleNewMember_validation() {
	_, err := domain.NewMember(domain.MemberParams{Role: ptr(domain.Roles("admin,admin"))})
	var ve *domain.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("%s: %s\n", p.Field, p.Rule)
		}
	}
	// Output:
	// organizationId: required
	// userId: required
	// role: role
}

func ExampleParseMemberRoles() {
	roles, err := domain.ParseMemberRoles("admin, billing", "billing", "support")
	fmt.Println(roles, err)
	_, err = domain.ParseMemberRoles("admin,billing")
	fmt.Println(err)
	// Output:
	// admin,billing <nil>
	// unknown role "billing": must be one of owner, admin, member
}

func ExampleDecodeUserParams() {
	body := `{"name": "Ada", "email": " Ada@Example.com ", "isAdmin": true, "uploadLimit": "lots"}`
	_, err := domain.DecodeUserParams(strings.NewReader(body))
	fmt.Println(err)
	// Output:
	// invalid shared_user: isAdmin: unknown_field (isAdmin is not a field of shared_user input); uploadLimit: type (uploadLimit must be an integer that fits in 32 bits)
}

func ExampleMemberPatch_Apply() {
	m, _ := domain.NewMember(domain.MemberParams{
		OrganizationID: domain.NewID[domain.Organization](),
		UserID:         domain.NewID[domain.User](),
	})
	err := domain.MemberPatch{Role: ptr(domain.Roles("owner")), Status: ptr(domain.MemberStatus("asleep"))}.Apply(&m)
	fmt.Println(err)
	fmt.Println(m.Role) // unchanged: a patch applies only when the result is valid
	err = domain.MemberPatch{Role: ptr(domain.Roles("owner"))}.Apply(&m)
	fmt.Println(err, m.Role)
	// Output:
	// invalid iam_member: status: enum (status must be one of active, inactive, offline, suspended, deleted, invited)
	// member
	// <nil> owner
}

func ExampleValidatePassword() {
	fmt.Println(domain.ValidatePassword("Correct-Horse-9"))
	fmt.Println(domain.ValidatePassword("hunter2"))
	// Output:
	// <nil>
	// invalid password: password: min_length (must have at least 8 characters); password: uppercase (must contain an upper-case letter); password: special (must contain a special character (punctuation, symbol or space))
}

// Secret fields never print. A secret left out of the API view is absent from
// JSON; one in the redacted view shows the marker.
func ExampleSecret() {
	s := domain.Session{
		Token:     domain.NewSecret("plain-session-token"),
		IPAddress: domain.SecretPtr("203.0.113.7"),
		ExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	b, _ := json.Marshal(struct {
		Token     domain.Secret  `json:"-"`
		IPAddress *domain.Secret `json:"ipAddress"`
	}{s.Token, s.IPAddress})
	fmt.Println(string(b))
	fmt.Printf("%v %q %x\n", s.Token, s.Token, s.Token)
	fmt.Println(s.Token.Reveal())
	// Output:
	// {"ipAddress":"[REDACTED]"}
	// [REDACTED] "[REDACTED]" [REDACTED]
	// plain-session-token
}

func ExampleAllEntities() {
	for _, e := range domain.AllEntities()[:3] {
		fmt.Println(e.TableName())
	}
	fmt.Println(len(domain.AllEntities()))
	// Output:
	// shared_user
	// shared_organization
	// shared_team
	// 39
}
