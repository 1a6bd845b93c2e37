package serve

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/beep/iam/betterauth"
)

// jwksCache keeps the rendered JWKS document for a while: the keys change
// when Better Auth rotates them (days), and every JWT verifier of every
// service may fetch the document.
type jwksCache struct {
	refresh time.Duration
	mu      sync.Mutex
	doc     []byte
	at      time.Time
}

// serveJWKS answers like the jwt plugin's GET /jwks: the public keys of
// iam_jwks as a JWK set, each with its alg and kid (the row id), keys that
// expired more than JWKSGrace ago left out (betterauth.BuildJWKS, byte for
// byte Better Auth's document). Private keys are never read.
func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) result {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		return result{status: writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "jwks takes GET"), outcome: outcomeMethodNotAllowed}
	}
	doc, err := s.jwksDocument(r.Context())
	if err != nil {
		return result{status: writeError(w, http.StatusServiceUnavailable, denyUnavailable.code, "the signing keys could not be read"), outcome: outcomeError, err: err}
	}
	h := w.Header()
	h[hdrContentType] = valJSON
	h[hdrCacheControl] = []string{"public, max-age=" + itoa(int(s.cfg.JWKSRefresh.Seconds()))}
	_, _ = w.Write(doc)
	return result{status: http.StatusOK, outcome: outcomeOK}
}

func (s *Server) jwksDocument(ctx context.Context) ([]byte, error) {
	c := &s.jwks
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.doc != nil && now.Sub(c.at) < c.refresh {
		return c.doc, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	keys, err := s.cfg.Store.JWKS().ListPublicKeys(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]betterauth.JWKSRow, len(keys))
	for i, k := range keys {
		rows[i] = betterauth.JWKSRow{ID: k.ID.String(), PublicKey: k.PublicKey, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, Alg: k.Alg, Crv: k.Crv}
	}
	doc, err := betterauth.BuildJWKS(rows, now, s.cfg.JWKSGrace)
	if err != nil {
		return nil, err
	}
	c.doc, c.at = doc, now
	return doc, nil
}
