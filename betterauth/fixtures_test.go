package betterauth_test

import (
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
)

// testSecret is the BETTER_AUTH_SECRET of the live server run and of
// testdata/vectors.json.
const testSecret = "0123456789abcdef0123456789abcdef-test-secret"

// vectors mirrors testdata/vectors.json, written by testdata/gen-vectors.mjs
// with Better Auth's own functions.
type vectors struct {
	Secret   string `json:"secret"`
	Rotation []struct {
		Version int    `json:"version"`
		Value   string `json:"value"`
	} `json:"rotation"`
	SignedCookies []struct {
		Token     string `json:"token"`
		SetCookie string `json:"setCookie"`
		Signature string `json:"signature"`
	} `json:"signedCookies"`
	Passwords []struct {
		Password string `json:"password"`
		Hash     string `json:"hash"`
	} `json:"passwords"`
	Encrypted []struct {
		Key   string `json:"key"`
		Data  string `json:"data"`
		Value string `json:"value"`
	} `json:"encrypted"`
	BackupCodes struct {
		Codes     []string `json:"codes"`
		Encrypted string   `json:"encrypted"`
		Plain     string   `json:"plain"`
	} `json:"backupCodes"`
	TOTP struct {
		Secret                string `json:"secret"`
		EncryptedSecret       string `json:"encryptedSecret"`
		URI                   string `json:"uri"`
		Base32Secret          string `json:"base32Secret"`
		EncryptedBase32Secret string `json:"encryptedBase32Secret"`
		Codes                 []struct {
			Counter    int64  `json:"counter"`
			Code       string `json:"code"`
			Base32Code string `json:"base32Code"`
		} `json:"codes"`
	} `json:"totp"`
	APIKeys []struct {
		Key  string `json:"key"`
		Hash string `json:"hash"`
	} `json:"apiKeys"`
	JWKS []struct {
		Row        betterauth.JWKSRow `json:"row"`
		PrivateJWK string             `json:"privateJWK"`
		JWT        string             `json:"jwt"`
		ExpiredJWT string             `json:"expiredJWT"`
	} `json:"jwks"`
	CookieCache struct {
		ExpiresAt int64  `json:"expiresAt"`
		Value     string `json:"value"`
	} `json:"cookieCache"`
}

// live mirrors the parts of testdata/live-1.7.25.json (captured from a real
// Better Auth 1.7.25 server) that the tests use.
type live struct {
	SignUpSetCookie []string `json:"signUpSetCookie"`
	SignInSetCookie []string `json:"signInSetCookie"`
	CookieHeader    string   `json:"cookieHeader"`
	GetSession      struct {
		Session map[string]any `json:"session"`
		User    map[string]any `json:"user"`
	} `json:"getSession"`
	APIKeyCreated struct {
		Key    string `json:"key"`
		Start  string `json:"start"`
		Prefix string `json:"prefix"`
	} `json:"apiKeyCreated"`
	Enable2FA struct {
		TOTPURI     string   `json:"totpURI"`
		BackupCodes []string `json:"backupCodes"`
	} `json:"enable2fa"`
}

var (
	loadOnce sync.Once
	vec      vectors
	liveData live
	loadErr  error
)

func load(t testing.TB) (*vectors, *live) {
	t.Helper()
	loadFixtures()
	require.NoError(t, loadErr, "loading testdata fixtures")
	return &vec, &liveData
}

// mustLoad is load for Example functions, which have no testing.TB.
func mustLoad() (*vectors, *live) {
	loadFixtures()
	if loadErr != nil {
		panic("loading testdata fixtures: " + loadErr.Error())
	}
	return &vec, &liveData
}

func loadFixtures() {
	loadOnce.Do(func() {
		b, err := os.ReadFile("testdata/vectors.json")
		if err != nil {
			loadErr = err
			return
		}
		if loadErr = json.Unmarshal(b, &vec); loadErr != nil {
			return
		}
		b, err = os.ReadFile("testdata/live-1.7.25.json")
		if err != nil {
			loadErr = err
			return
		}
		loadErr = json.Unmarshal(b, &liveData)
	})
}

func newAuth(t testing.TB, mutate ...func(*betterauth.Config)) *betterauth.Auth {
	t.Helper()
	cfg := betterauth.Config{Secret: domain.NewSecret(testSecret)}
	for _, m := range mutate {
		m(&cfg)
	}
	a, err := betterauth.New(cfg)
	require.NoError(t, err)
	return a
}

func rotationAuth(t testing.TB, v *vectors) *betterauth.Auth {
	t.Helper()
	return newAuth(t, func(c *betterauth.Config) {
		for _, r := range v.Rotation {
			c.Secrets = append(c.Secrets, betterauth.SecretVersion{Version: r.Version, Value: domain.NewSecret(r.Value)})
		}
	})
}
