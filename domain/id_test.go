package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

func TestNewID_IsAUUIDv7PrefixedWithTheTable(t *testing.T) {
	t.Parallel()
	id := domain.NewID[domain.Member]()
	require.Regexp(t, `^iam_member__[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, id.String())
	require.Equal(t, uuid.Version(7), id.UUID().Version())
	back, err := domain.ParseID[domain.Member](id.String())
	require.NoError(t, err)
	require.Equal(t, id, back)
}

func TestParseID_NamesTheWrongPart(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, part, problem string }{
		{"", "id", "is empty"},
		{"iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000", "prefix", `is "iam_member", want "shared_user"`},
		{"shared_user0190f3c2-7b1a-7cc2-9f00-000000000000", "separator", `missing "__"`},
		{"shared_user_0190f3c2-7b1a-7cc2-9f00-000000000000", "separator", `missing "__"`},
		{"shared_user__not-a-uuid", "uuid", "not a canonical UUID"},
		{"shared_user__{0190f3c2-7b1a-7cc2-9f00-000000000000}", "uuid", "not a canonical UUID"},
		{"shared_user__", "uuid", "not a canonical UUID"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			_, err := domain.ParseID[domain.User](c.in)
			var idErr *domain.IDError
			require.ErrorAs(t, err, &idErr)
			require.Equal(t, c.part, idErr.Part)
			require.Equal(t, domain.TableUser, idErr.Table)
			require.Contains(t, err.Error(), c.problem)
		})
	}
}

func TestParseID_AcceptsAnyUUIDVersionAndNormalizesCase(t *testing.T) {
	t.Parallel()
	id, err := domain.ParseID[domain.User]("shared_user__3F2A9C1E-8B7D-4E6F-A1B2-C3D4E5F60718")
	require.NoError(t, err)
	require.Equal(t, "shared_user__3f2a9c1e-8b7d-4e6f-a1b2-c3d4e5f60718", id.String())
}

func TestID_JSONRoundTripAndRejectsAnotherTablesID(t *testing.T) {
	t.Parallel()
	type body struct {
		User domain.UserID `json:"user"`
	}
	in := body{User: domain.NewID[domain.User]()}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out body
	require.NoError(t, json.Unmarshal(b, &out))
	require.Equal(t, in, out)
	err = json.Unmarshal([]byte(`{"user":"`+domain.NewID[domain.Member]().String()+`"}`), &out)
	require.ErrorContains(t, err, "prefix")
}

func TestID_ScanValidatesAndValueMapsZeroToNull(t *testing.T) {
	t.Parallel()
	var id domain.UserID
	require.NoError(t, id.Scan(nil))
	require.True(t, id.IsZero())
	v, err := id.Value()
	require.NoError(t, err)
	require.Nil(t, v)
	require.Error(t, id.Scan("iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000"))
	require.Error(t, id.Scan(42))
	require.NoError(t, id.Scan([]byte("shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000")))
	require.Equal(t, "shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000", id.String())
}

// TestParseID_VerificationAdmitsBetterAuthsReservationIDs: the 43-character
// base64url ids of reserveVerificationValue parse as verification ids (and
// scan from the database), and as no other entity's.
func TestParseID_VerificationAdmitsBetterAuthsReservationIDs(t *testing.T) {
	t.Parallel()
	const res = "q3Jw5ZsXcGkq3Jw5ZsXcGkq3Jw5ZsXcGkq3Jw5ZsXcG" // 43 base64url characters
	id, err := domain.ParseID[domain.Verification](res)
	if err != nil || id.String() != res {
		t.Fatalf("ParseID[Verification](%q) = %v, %v", res, id, err)
	}
	var scanned domain.ID[domain.Verification]
	if err := scanned.Scan(res); err != nil || scanned != id {
		t.Fatalf("Scan: %v, %v", scanned, err)
	}
	if _, err := domain.ParseID[domain.User](res); err == nil {
		t.Fatal("a user id must be a typed id")
	}
	for _, bad := range []string{res[:42], res + "A", res[:42] + "=", res[:42] + "."} {
		if _, err := domain.ParseID[domain.Verification](bad); err == nil {
			t.Fatalf("ParseID[Verification](%q) accepted", bad)
		}
	}
	typed := domain.NewID[domain.Verification]()
	if got, err := domain.ParseID[domain.Verification](typed.String()); err != nil || got != typed {
		t.Fatalf("a typed verification id: %v, %v", got, err)
	}
}
