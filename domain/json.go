package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// MaxJSONInput bounds the size of one JSON input document.
const MaxJSONInput = 1 << 20

func jsonUnmarshalString(b []byte, dst *string) error {
	if err := json.Unmarshal(b, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return errors.New("must be a JSON string")
		}
		return err
	}
	return nil
}

// DecodeJSON decodes one JSON object from r into a new T, a struct of input
// fields (an XxxParams or XxxPatch type), strictly: the body must be a single
// object of at most MaxJSONInput bytes; unknown and duplicate keys are
// rejected; a value of the wrong type is reported under its field's JSON name
// with the expected type. Every problem is reported at once in a
// *ValidationError whose Entity is entity; rejected values never appear in it.
// It does not run the entity's validation rules (the DecodeXxxParams functions
// do) and never panics on any input.
func DecodeJSON[T any](entity string, r io.Reader) (T, error) {
	var out T
	v := NewValidator(entity)
	data, err := io.ReadAll(io.LimitReader(r, MaxJSONInput+1))
	if err != nil {
		v.Add("", "read", "reading the body failed: %v", err)
		return out, v.Err()
	}
	if len(data) > MaxJSONInput {
		v.Add("", "max_size", "the body must be at most %d bytes", MaxJSONInput)
		return out, v.Err()
	}
	rv := reflect.ValueOf(&out).Elem()
	if rv.Kind() != reflect.Struct {
		panic(fmt.Sprintf("domain.DecodeJSON: %T is not a struct", out)) // programmer error
	}
	fields := jsonFields(rv.Type())

	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		v.Add("", "json_object", "the body must be one JSON object")
		return out, v.Err()
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			v.Add("", "json_syntax", "the body is not valid JSON")
			return out, v.Err()
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			v.Add(safeKey(key), "json_syntax", "the value of %s is not valid JSON", safeKey(key))
			return out, v.Err()
		}
		if seen[key] {
			v.Add(safeKey(key), "duplicate", "%s appears more than once", safeKey(key))
			continue
		}
		seen[key] = true
		idx, ok := fields[key]
		if !ok {
			v.Add(safeKey(key), "unknown_field", "%s is not a field of %s input", safeKey(key), entity)
			continue
		}
		fv := rv.FieldByIndex(idx)
		if err := json.Unmarshal(raw, fv.Addr().Interface()); err != nil {
			fv.SetZero()
			v.Add(key, "type", "%s %s", key, describeDecodeError(err, fv.Type()))
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		v.Add("", "json_syntax", "the body is not valid JSON")
		return out, v.Err()
	}
	if _, err := dec.Token(); err != io.EOF {
		v.Add("", "json_object", "the body must be exactly one JSON object, with nothing after it")
	}
	return out, v.Err()
}

// jsonFields maps the JSON names of t's exported, tagged fields to their
// index. Fields tagged "-" cannot be set from JSON.
func jsonFields(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Index
	}
	return m
}

// safeKey bounds an unknown key for messages (keys are names, not values, but
// they come from the client).
func safeKey(k string) string {
	if k == "" {
		return `""`
	}
	return truncate(k, 64)
}

var timeType = reflect.TypeFor[time.Time]()

// describeDecodeError explains what a field expects, without echoing the value.
func describeDecodeError(err error, t reflect.Type) string {
	var idErr *IDError
	if errors.As(err, &idErr) {
		return fmt.Sprintf("must be a %s id (<table>__<uuid>): %s %s", idErr.Table, idErr.Part, idErr.Problem)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return "must be an RFC 3339 time string, like 2026-01-02T15:04:05Z"
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a JSON string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		return fmt.Sprintf("must be an integer that fits in %d bits", t.Bits())
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // json.RawMessage: any JSON
			return "must be JSON"
		}
		return "must be a JSON array"
	case reflect.Struct:
		if t.NumField() == 1 { // typed ids and Secret are strings on the wire
			return "must be a JSON string"
		}
		return "must be a JSON object"
	}
	return "has the wrong JSON type"
}

// decodeParams decodes a params struct strictly and validates it by running
// the entity's constructor; the constructed entity is discarded.
func decodeParams[P any, E any](entity string, r io.Reader, build func(P) (E, error)) (P, error) {
	p, err := DecodeJSON[P](entity, r)
	if err != nil {
		return p, err
	}
	if _, err := build(p); err != nil {
		var zero P
		return zero, err
	}
	return p, nil
}
