package hostile_test

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// testGlobalParent reaches B's organization-scoped rows through the global
// table they hang off: shared_organization's ON DELETE / ON UPDATE CASCADE
// foreign keys run with the table owner's rights, past the tenants'
// policies, so its own policies must keep a tenant to its organization. Each attack destroys its world, so
// each runs on its own database.
func testGlobalParent(t *testing.T) {
	t.Parallel()
	type attack struct {
		name string
		run  func(w *world, conn *pgx.Conn) error
	}
	attacks := []attack{
		{"DELETE FROM shared_organization WHERE id = B (cascades into B's rows)", func(w *world, conn *pgx.Conn) error {
			_, err := conn.Exec(w.ctx, "DELETE FROM "+pgx.Identifier{w.schema, "shared_organization"}.Sanitize()+" WHERE id = $1", w.b.id.String())
			return err
		}},
		{"delete A, then UPDATE shared_organization SET id = A WHERE id = B (cascades B's rows into A)", func(w *world, conn *pgx.Conn) error {
			rel := pgx.Identifier{w.schema, "shared_organization"}.Sanitize()
			tx, err := conn.Begin(w.ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(w.ctx)
			if _, err := tx.Exec(w.ctx, "DELETE FROM "+rel+" WHERE id = $1", w.a.id.String()); err != nil {
				return err
			}
			if _, err := tx.Exec(w.ctx, "UPDATE "+rel+" SET id = $1 WHERE id = $2", w.a.id.String(), w.b.id.String()); err != nil {
				return err
			}
			return tx.Commit(w.ctx)
		}},
	}
	for _, at := range attacks {
		for _, m := range modes {
			// Contexts with a tenant (A's, and a malformed one): without a
			// tenant the store's global handle may delete or update any
			// organization, by design (docs/security.md).
			for i := 0; i < 2; i++ {
				t.Run(fmt.Sprintf("%s/%s/%d", at.name[:6], m, i), func(t *testing.T) {
					t.Parallel()
					w := newWorld(t)
					c := w.tenants()[i]
					conn := w.connect(m, &c)
					label := c.label(m)
					before := w.footprint()
					err := at.run(w, conn)
					d := before.diff(w.footprint())
					judge(t, d == "", kindWrite, "shared_organization", at.name, label, fmt.Sprintf("%s; B's footprint changed: %s", errText(err), d))
					if c.isA {
						// After a successful take-over, A's context shows B's members.
						w.read(t, conn, "iam_member", "SELECT members after the take-over attempt", label,
							[]string{w.b.ownerMember.ID.String(), w.b.memberMember.ID.String()},
							"SELECT row_to_json(m)::pg_catalog.text FROM "+pgx.Identifier{w.schema, "iam_member"}.Sanitize()+" m")
					}
					require.NotNil(t, w)
				})
			}
		}
	}
}
