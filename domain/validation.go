package domain

import (
	"errors"
	"fmt"
	"strings"
)

// ErrValidation is matched (errors.Is) by every *ValidationError.
var ErrValidation = errors.New("validation failed")

// Problem is one failing rule of one field. Field is a JSON-style path
// ("email", "metadata.plan", "members[2].role"); Rule is a short stable
// identifier ("required", "email", "max_length"); Message explains it in
// words. Neither ever contains the rejected value: it may be a secret or
// personal data.
type Problem struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// ValidationError lists every failing field and rule of one input, not just
// the first.
type ValidationError struct {
	Entity   string    `json:"entity"` // table name of the entity, e.g. "iam_member"
	Problems []Problem `json:"problems"`
}

// Error implements error: "invalid iam_member: role: required (role is required); ...".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid ")
	if e.Entity != "" {
		b.WriteString(e.Entity)
	} else {
		b.WriteString("input")
	}
	b.WriteString(": ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s (%s)", p.Field, p.Rule, p.Message)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrValidation) true.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// Has reports whether the error lists a problem with field and rule.
func (e *ValidationError) Has(field, rule string) bool {
	for _, p := range e.Problems {
		if p.Field == field && p.Rule == rule {
			return true
		}
	}
	return false
}

// Validator collects problems; Err returns them as one *ValidationError, or
// nil when there are none.
type Validator struct {
	entity   string
	problems []Problem
}

// NewValidator starts collecting problems for entity (a table name).
func NewValidator(entity string) *Validator { return &Validator{entity: entity} }

// Add records a problem.
func (v *Validator) Add(field, rule, format string, args ...any) {
	v.problems = append(v.problems, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Check records a problem when ok is false and reports ok.
func (v *Validator) Check(ok bool, field, rule, format string, args ...any) bool {
	if !ok {
		v.Add(field, rule, format, args...)
	}
	return ok
}

// Merge adds the problems of err when it is a *ValidationError, prefixing
// their fields with prefix ("" for none); any other non-nil error is recorded
// as a problem of prefix.
func (v *Validator) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if prefix != "" {
				p.Field = prefix + "." + p.Field
			}
			v.problems = append(v.problems, p)
		}
		return
	}
	v.Add(prefix, "invalid", "%s", err.Error())
}

// Err returns the collected problems, or nil.
func (v *Validator) Err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Entity: v.entity, Problems: v.problems}
}
