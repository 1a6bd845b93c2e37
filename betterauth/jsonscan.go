package betterauth

import (
	"encoding/json"
	"strconv"
	"time"
)

// jscan is a small allocation-free JSON scanner over a string, used on the
// cookie-cache hot path instead of encoding/json. Decoded strings without
// escapes are substrings of the input (no copy). It accepts exactly JSON
// (RFC 8259) values and limits nesting.
type jscan struct {
	s     string
	i     int
	depth int
}

const maxJSONDepth = 64

func (p *jscan) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jscan) peek() byte {
	p.ws()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *jscan) consume(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

// strEnd scans a string whose opening quote is at p.i; it returns the index of
// the closing quote and whether there were escapes.
func (p *jscan) strEnd() (end int, escaped, ok bool) {
	i := p.i + 1
	for i < len(p.s) {
		c := p.s[i]
		if !strSpecial[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			return i, escaped, true
		case c == '\\':
			escaped = true
			if i+1 >= len(p.s) {
				return 0, false, false
			}
			switch p.s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(p.s) {
					return 0, false, false
				}
				for _, h := range []byte(p.s[i+2 : i+6]) {
					if !isHex(h) {
						return 0, false, false
					}
				}
				i += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
	return 0, false, false
}

// strSpecial marks the bytes that end the fast path inside a string.
var strSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// str decodes a string value.
func (p *jscan) str() (string, bool) {
	if p.peek() != '"' {
		return "", false
	}
	end, escaped, ok := p.strEnd()
	if !ok {
		return "", false
	}
	raw := p.s[p.i : end+1]
	p.i = end + 1
	if !escaped {
		return raw[1 : len(raw)-1], true
	}
	var out string
	if json.Unmarshal([]byte(raw), &out) != nil {
		return "", false
	}
	return out, true
}

// number scans a JSON number and returns its text.
func (p *jscan) number() (string, bool) {
	p.ws()
	start, i := p.i, p.i
	if i < len(p.s) && p.s[i] == '-' {
		i++
	}
	switch {
	case i < len(p.s) && p.s[i] == '0':
		i++
	case i < len(p.s) && '1' <= p.s[i] && p.s[i] <= '9':
		for i < len(p.s) && '0' <= p.s[i] && p.s[i] <= '9' {
			i++
		}
	default:
		return "", false
	}
	if i < len(p.s) && p.s[i] == '.' {
		i++
		d := i
		for i < len(p.s) && '0' <= p.s[i] && p.s[i] <= '9' {
			i++
		}
		if i == d {
			return "", false
		}
	}
	if i < len(p.s) && (p.s[i] == 'e' || p.s[i] == 'E') {
		i++
		if i < len(p.s) && (p.s[i] == '+' || p.s[i] == '-') {
			i++
		}
		d := i
		for i < len(p.s) && '0' <= p.s[i] && p.s[i] <= '9' {
			i++
		}
		if i == d {
			return "", false
		}
	}
	p.i = i
	return p.s[start:i], true
}

// integer scans a number written as a plain integer (as JSON.stringify writes
// integral numbers) and returns its text and value.
func (p *jscan) integer() (string, int64, bool) {
	t, ok := p.number()
	if !ok {
		return "", 0, false
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return "", 0, false
	}
	return t, n, true
}

func (p *jscan) literal(word string) bool {
	p.ws()
	if len(p.s)-p.i >= len(word) && p.s[p.i:p.i+len(word)] == word {
		p.i += len(word)
		return true
	}
	return false
}

// null consumes a null literal if one is next.
func (p *jscan) null() bool {
	if p.peek() == 'n' {
		return p.literal("null")
	}
	return false
}

func (p *jscan) boolean() (bool, bool) {
	switch p.peek() {
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	}
	return false, false
}

// skip scans over any value.
func (p *jscan) skip() bool {
	switch p.peek() {
	case '"':
		end, _, ok := p.strEnd()
		if ok {
			p.i = end + 1
		}
		return ok
	case '{':
		return p.object(func(string) bool { return p.skip() })
	case '[':
		p.depth++
		if p.depth > maxJSONDepth {
			return false
		}
		p.i++
		if !p.consume(']') {
			for {
				if !p.skip() {
					return false
				}
				if p.consume(',') {
					continue
				}
				if !p.consume(']') {
					return false
				}
				break
			}
		}
		p.depth--
		return true
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	}
	_, ok := p.number()
	return ok
}

// object scans an object, calling member for each key with the scanner
// positioned at the value; member must consume the value.
func (p *jscan) object(member func(key string) bool) bool {
	if !p.consume('{') {
		return false
	}
	p.depth++
	if p.depth > maxJSONDepth {
		return false
	}
	if !p.consume('}') {
		for {
			key, ok := p.str()
			if !ok || !p.consume(':') || !member(key) {
				return false
			}
			if p.consume(',') {
				continue
			}
			if !p.consume('}') {
				return false
			}
			break
		}
	}
	p.depth--
	return true
}

// date reads an ISO-8601 date string as JavaScript's Date.toISOString
// writes it ("2026-11-30T17:12:08.426Z"), or any RFC 3339 time.
func (p *jscan) date() (time.Time, bool) {
	s, ok := p.str()
	if !ok {
		return time.Time{}, false
	}
	return parseISODate(s)
}

// parseISODate parses JavaScript's toISOString format without allocating and
// falls back to RFC 3339.
func parseISODate(s string) (time.Time, bool) {
	if len(s) == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[23] == 'Z' {
		var v [7]int
		fields := [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 23}}
		for k, f := range fields {
			n := 0
			for i := f[0]; i < f[1]; i++ {
				c := s[i]
				if c < '0' || c > '9' {
					return time.Time{}, false
				}
				n = n*10 + int(c-'0')
			}
			v[k] = n
		}
		if v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59 {
			return time.Time{}, false
		}
		t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*1e6, time.UTC)
		if t.Day() != v[2] {
			return time.Time{}, false // e.g. February 30th
		}
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
