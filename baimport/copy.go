package baimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// appendCopyText appends v in COPY's text format (NULL is \N).
func appendCopyText(b *bytes.Buffer, v *string) {
	if v == nil {
		b.WriteString(`\N`)
		return
	}
	s := *v
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '\\':
			esc = `\\`
		case '\t':
			esc = `\t`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
}

var copyLine = regexp.MustCompile(`COPY [^,]+, line (\d+)(?:, column ([^:]+))?`)

// copyModel writes one model's rows with COPY, ChunkRows rows per
// statement. A refused row is reported by its source id and the rule.
func (im *importer) copyModel(ctx context.Context, tx pgx.Tx, p *pending) error {
	if len(p.rows) == 0 {
		return nil
	}
	cols := make([]string, len(p.cols))
	for i, c := range p.cols {
		cols[i] = quoteIdent(c)
	}
	stmt := fmt.Sprintf("COPY %s (%s) FROM STDIN", quoteIdent(p.bm.Table.Name), strings.Join(cols, ", "))
	var buf bytes.Buffer
	total := len(p.rows)
	im.progress(p.bm, "write", 0, total)
	for start := 0; start < total; start += im.opts.ChunkRows {
		end := min(start+im.opts.ChunkRows, total)
		buf.Reset()
		for _, r := range p.rows[start:end] {
			for i, v := range r {
				if i > 0 {
					buf.WriteByte('\t')
				}
				appendCopyText(&buf, v)
			}
			buf.WriteByte('\n')
		}
		if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(buf.Bytes()), stmt); err != nil {
			return im.copyError(p, start, err)
		}
		p.tr.Written = end
		im.progress(p.bm, "write", end, total)
	}
	return nil
}

// copyError turns a refused COPY into a problem naming the source row and
// the rule (constraint, trigger message), without the values: a server
// error's detail quotes them, and they can be secrets (tokens, hashes).
func (im *importer) copyError(p *pending, start int, err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("target %s: %w", p.bm.Table.Name, err)
	}
	srcID, field := "", pe.ColumnName
	if m := copyLine.FindStringSubmatch(pe.Where); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil && start+n-1 < len(p.srcIDs) {
			srcID = p.srcIDs[start+n-1]
		}
		if m[2] != "" {
			field = m[2]
		}
	}
	if field != "" {
		field = p.bm.fieldOf(field)
	}
	msg := pe.Message
	if strings.HasPrefix(pe.Code, "22") {
		// Data exceptions quote the value after a colon.
		if i := strings.Index(msg, ":"); i >= 0 {
			msg = msg[:i]
		}
	}
	rule := msg
	if pe.ConstraintName != "" && !strings.Contains(msg, pe.ConstraintName) {
		rule = pe.ConstraintName + ": " + msg
	}
	rule += " (SQLSTATE " + pe.Code + ")"
	im.rep.problem(p.tr, Problem{Table: p.bm.Source.Name, SourceID: srcID, Field: field, Rule: rule})
	return fmt.Errorf("%w: target %s refused source row %q: %s; nothing written", ErrProblems, p.bm.Table.Name, srcID, rule)
}
