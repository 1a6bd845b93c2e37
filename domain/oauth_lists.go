package domain

import (
	"encoding/json"
	"strings"
)

// Better Auth stores string[] fields (scopes, redirect URIs, resources, ...)
// as a JSON array in a jsonb column; entities carry the raw JSON, so that
// a row reads back byte for byte, and these helpers convert.

// StringList decodes a jsonb string[] column; NULL or anything but an
// array of strings is nil.
func StringList(raw json.RawMessage) []string {
	if raw == nil {
		return nil
	}
	var out []string
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil
	}
	return out
}

// StringListJSON encodes list for a jsonb string[] column; nil stays NULL.
func StringListJSON(list []string) json.RawMessage {
	if list == nil {
		return nil
	}
	b, _ := json.Marshal(list) // a []string always encodes
	return b
}

// trimmedList trims every item and drops empty ones; nil stays nil.
func trimmedList(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// stringList checks a jsonb string[] column: NULL is allowed unless
// required, anything else must be a JSON array of non-blank strings of at
// most maxLen characters.
func (v *Validator) stringList(field string, raw json.RawMessage, required bool, maxLen int) []string {
	if raw == nil || string(raw) == "null" {
		if required {
			v.Add(field, "required", "%s is required", field)
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		v.Add(field, "string_list", "%s must be a JSON array of strings", field)
		return nil
	}
	for _, s := range list {
		if strings.TrimSpace(s) == "" || len(s) > maxLen {
			v.Add(field, "item", "each of %s must be non-blank and at most %d bytes", field, maxLen)
			break
		}
	}
	return list
}

// scopeList checks a list of OAuth scopes (RFC 6749 §3.3: no spaces).
func (v *Validator) scopeList(field string, raw json.RawMessage, required bool) {
	for _, s := range v.stringList(field, raw, required, MaxNameLength) {
		if strings.ContainsAny(s, " \t\r\n\"\\") {
			v.Add(field, "scope", "each of %s must be a scope token (no spaces, quotes or backslashes)", field)
			return
		}
	}
}

// urlList checks a list of absolute URLs (redirect URIs).
func (v *Validator) urlList(field string, raw json.RawMessage, required bool) {
	for _, u := range v.stringList(field, raw, required, MaxURLLength) {
		if err := validateAbsoluteURL(u); err != nil {
			v.Add(field, "url", "each of %s %s", field, err)
			return
		}
	}
}

// oneOf checks an optional string against a closed list of values.
func (v *Validator) oneOf(field string, s *string, values ...string) {
	if s == nil {
		return
	}
	for _, x := range values {
		if *s == x {
			return
		}
	}
	v.Add(field, "enum", "%s must be one of %s", field, strings.Join(values, ", "))
}
