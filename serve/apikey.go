package serve

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// verifyRequest is the body of POST /api-key/verify, as the api-key plugin
// takes it.
type verifyRequest struct {
	key         string
	configID    string
	permissions map[string][]string // nil: not asked
}

// parseVerifyRequest decodes the body and reports every bad field at once
// (the values are never echoed: the key is a secret).
func parseVerifyRequest(body []byte) (verifyRequest, error) {
	var req verifyRequest
	v := domain.NewValidator("api_key_verify")
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		v.Check(false, "body", "json_object", "the body must be a JSON object")
		return req, v.Err()
	}
	if k, ok := raw["key"]; !ok || string(k) == "null" {
		v.Check(false, "key", "required", "key is required")
	} else if json.Unmarshal(k, &req.key) != nil {
		v.Check(false, "key", "string", "key must be a string")
	}
	if c, ok := raw["configId"]; ok && json.Unmarshal(c, &req.configID) != nil {
		v.Check(false, "configId", "string", "configId must be a string")
	}
	if p, ok := raw["permissions"]; ok {
		if json.Unmarshal(p, &req.permissions) != nil || req.permissions == nil {
			v.Check(false, "permissions", "permission_map", `permissions must be an object of string arrays, {"resource": ["action"]}`)
		} else {
			for res, actions := range req.permissions {
				if actions == nil {
					v.Check(false, "permissions."+res, "string_array", "each resource must map to an array of actions")
				}
			}
		}
	}
	return req, v.Err()
}

// verifyAPIKey answers like the api-key plugin's POST /api-key/verify:
// 200 with {"valid", "error", "key"} for every decision, the key without
// its hash and with permissions and metadata parsed; 400 naming the field
// and rule for a malformed body. The decision is store.VerifyAPIKey's (one
// statement: Better Auth's rules, race-free). A permission check, when the
// body asks one, is made after the key's use is counted (Better Auth checks
// before): a refused permission still uses one request of the key.
func (s *Server) verifyAPIKey(w http.ResponseWriter, r *http.Request) result {
	if r.Method != http.MethodPost {
		w.Header()["Allow"] = []string{"POST"}
		return result{status: writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "api-key/verify takes POST"), outcome: outcomeMethodNotAllowed}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return result{status: writeValidation(w, http.StatusRequestEntityTooLarge, &domain.ValidationError{Entity: "api_key_verify",
				Problems: []domain.Problem{{Field: "body", Rule: "max_bytes", Message: "the body is larger than " + strconv.FormatInt(tooLarge.Limit, 10) + " bytes"}}}), outcome: outcomeBadRequest}
		}
		return result{status: writeError(w, http.StatusBadRequest, "BAD_REQUEST", "the body could not be read"), outcome: outcomeBadRequest}
	}
	req, err := parseVerifyRequest(body)
	if err != nil {
		return result{status: writeValidation(w, http.StatusBadRequest, err), outcome: outcomeBadRequest}
	}
	if req.key == "" || len(req.key) > maxAPIKeyLen {
		return s.verifyAnswer(w, nil, store.APIKeyInvalid.Code(), store.APIKeyInvalid.Message(), 0)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()
	v, err := s.cfg.Store.VerifyAPIKey(ctx, betterauth.HashAPIKey(req.key), req.configID)
	if err != nil {
		return result{status: writeError(w, http.StatusServiceUnavailable, denyUnavailable.code, denyUnavailable.message), outcome: outcomeError, err: err}
	}
	switch v.Outcome {
	case store.APIKeyValid:
	case store.APIKeyInvalid:
		return s.verifyAnswer(w, nil, store.APIKeyInvalid.Code(), store.APIKeyInvalid.Message(), 0)
	default:
		res := s.verifyAnswer(w, nil, v.Outcome.Code(), v.Outcome.Message(), v.TryAgainIn.Milliseconds())
		res.outcome = outcomeKeyRefused
		return res
	}
	if req.permissions != nil && !authorized(v.Key.Permissions, req.permissions) {
		res := s.verifyAnswer(w, nil, "KEY_NOT_FOUND", "API Key not found", 0)
		res.outcome = outcomeKeyRefused
		return res
	}
	return s.verifyAnswer(w, &v.Key, "", "", 0)
}

// verifyAnswer writes {"valid", "error", "key"}.
func (s *Server) verifyAnswer(w http.ResponseWriter, key *domain.APIKey, code, message string, tryAgainMs int64) result {
	b := make([]byte, 0, 768)
	if key != nil {
		b = append(b, `{"valid":true,"error":null,"key":`...)
		b = apiKeyJSON.append(b, reflect.ValueOf(key).Elem())
		b = append(b, "}\n"...)
		writeJSON(w, http.StatusOK, b)
		return result{status: http.StatusOK, outcome: outcomeOK, method: MethodAPIKey}
	}
	b = append(b, `{"valid":false,"error":{"message":`...)
	b = appendJSONString(b, message)
	b = append(b, `,"code":`...)
	b = appendJSONString(b, code)
	if code == "RATE_LIMITED" {
		b = append(b, `,"details":{"tryAgainIn":`...)
		b = strconv.AppendInt(b, tryAgainMs, 10)
		b = append(b, '}')
	}
	b = append(b, `},"key":null}`+"\n"...)
	writeJSON(w, http.StatusOK, b)
	return result{status: http.StatusOK, outcome: outcomeInvalid, method: MethodAPIKey, reason: code}
}

// authorized is Better Auth's role(keyPermissions).authorize(requested)
// with the AND connector: every requested resource is granted and holds
// every requested action; an empty request, or a key without permissions,
// is refused.
func authorized(keyPermissions *string, requested map[string][]string) bool {
	if keyPermissions == nil || len(requested) == 0 {
		return false
	}
	var granted map[string][]string
	if json.Unmarshal([]byte(*keyPermissions), &granted) != nil || granted == nil {
		return false
	}
	for res, actions := range requested {
		allowed, ok := granted[res]
		if !ok || len(actions) == 0 {
			return false
		}
		for _, a := range actions {
			if !slices.Contains(allowed, a) {
				return false
			}
		}
	}
	return true
}

// writeValidation writes {"code": "VALIDATION_ERROR", "message", "problems"}
// from a *domain.ValidationError.
func writeValidation(w http.ResponseWriter, status int, err error) int {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return writeError(w, status, "VALIDATION_ERROR", "invalid request")
	}
	problems, _ := json.Marshal(ve.Problems)
	b := append([]byte(`{"code":"VALIDATION_ERROR","message":`), appendJSONString(nil, ve.Error())...)
	b = append(b, `,"problems":`...)
	b = append(b, problems...)
	b = append(b, "}\n"...)
	return writeJSON(w, status, b)
}
