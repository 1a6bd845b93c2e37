package migrate

import "strings"

// statement is one SQL statement of a file and its byte offset in the file.
type statement struct {
	text   string
	offset int
}

// splitStatements splits a SQL file at top-level semicolons, skipping those
// inside quotes ('...', E'...', "..."), dollar-quoted bodies ($$...$$,
// $tag$...$tag$) and comments (-- and nested /* */). Statements that are only
// whitespace and comments are dropped. It is used for files that run outside
// a transaction, where Postgres would wrap a multi-statement query string in
// an implicit transaction.
func splitStatements(sql string) []statement {
	var out []statement
	start := 0
	flush := func(end int) {
		text := sql[start:end]
		if !onlyComments(text) {
			out = append(out, statement{text: text, offset: start})
		}
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j + 1
			} else {
				i = len(sql)
			}
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			depth := 0
			for i < len(sql) {
				if strings.HasPrefix(sql[i:], "/*") {
					depth++
					i += 2
				} else if strings.HasPrefix(sql[i:], "*/") {
					depth--
					i += 2
					if depth == 0 {
						break
					}
				} else {
					i++
				}
			}
		case c == '\'':
			escapes := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdentChar(sql[i-2]))
			i = skipQuoted(sql, i, '\'', escapes)
		case c == '"':
			i = skipQuoted(sql, i, '"', false)
		case c == '$':
			if tag, ok := dollarTag(sql[i:]); ok {
				if j := strings.Index(sql[i+len(tag):], tag); j >= 0 {
					i += len(tag) + j + len(tag)
				} else {
					i = len(sql)
				}
			} else {
				i++
			}
		case c == ';':
			flush(i + 1)
			i++
			start = i
		default:
			i++
		}
	}
	flush(len(sql))
	return out
}

// skipQuoted returns the index after the quoted run opened at sql[i]; a
// doubled quote is an escaped quote, and so is \' in an E” string.
func skipQuoted(sql string, i int, q byte, backslash bool) int {
	for i++; i < len(sql); i++ {
		switch {
		case backslash && sql[i] == '\\':
			i++
		case sql[i] == q:
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// dollarTag recognises $$ or $tag$ at the start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		switch {
		case s[j] == '$':
			return s[:j+1], true
		case isIdentChar(s[j]) && !(j == 1 && s[j] >= '0' && s[j] <= '9'):
		default:
			return "", false
		}
	}
	return "", false
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func onlyComments(s string) bool {
	for _, st := range strings.Split(s, "\n") {
		st = strings.TrimSpace(st)
		if st != "" && st != ";" && !strings.HasPrefix(st, "--") {
			return false
		}
	}
	return true
}
