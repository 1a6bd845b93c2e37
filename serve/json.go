package serve

import (
	"net/http"
	"time"
	"unicode/utf8"
)

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD, and <, >,
// & and the JavaScript line separators escaped as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func jsonQuote(s string) []byte { return appendJSONString(nil, s) }

// appendJSONTime appends t as JavaScript's Date.prototype.toJSON does,
// which is how Better Auth sends dates: UTC, millisecond precision
// (truncated), "2006-01-02T15:04:05.000Z".
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().Truncate(time.Millisecond).AppendFormat(b, "2006-01-02T15:04:05.000Z")
	return append(b, '"')
}

var (
	hdrContentType  = "Content-Type"
	hdrCacheControl = "Cache-Control"
	valJSON         = []string{"application/json"}
	valNoStore      = []string{"no-store"}
)

// writeJSON writes a JSON body with Cache-Control: no-store and returns
// status.
func writeJSON(w http.ResponseWriter, status int, body []byte) int {
	h := w.Header()
	h[hdrContentType] = valJSON
	h[hdrCacheControl] = valNoStore
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return status
}

// writeError writes Better Auth's error shape, {"code", "message"}. The
// message is one of this package's fixed texts, never input.
func writeError(w http.ResponseWriter, status int, code, message string) int {
	b := make([]byte, 0, 64+len(code)+len(message))
	b = append(b, `{"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, message)
	b = append(b, "}\n"...)
	return writeJSON(w, status, b)
}
