package main

import (
	"regexp"
	"strings"
)

// redacted replaces a password in what the command prints.
const redacted = "xxxxx"

var (
	queryPassword = regexp.MustCompile(`([?&]password=)[^&#]*`)
	kvPassword    = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:\\.|[^'\\])*'|\S*)`)
)

// redactURL returns a connection string with its password (in the user
// info, a password= query parameter, or a password= keyword) replaced by
// xxxxx, for printing. It works on the text, so it also redacts what
// net/url cannot parse (several hosts, keyword/value strings).
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return kvPassword.ReplaceAllString(raw, "${1}"+redacted)
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if user, _, hasPW := strings.Cut(authority[:at], ":"); hasPW {
			authority = user + ":" + redacted + authority[at:]
		}
	}
	return scheme + "://" + authority + queryPassword.ReplaceAllString(tail, "${1}"+redacted)
}
