package schema_test

import (
	"fmt"
	"strings"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// Navigate the declared relations and read the Better Auth metadata.
func ExampleTableByName() {
	member := schema.TableByName(domain.TableMember)
	fmt.Println(member.Name, "is", member.Tenancy, "scoped; Better Auth model", member.BetterAuthModel)
	for _, r := range member.Relations {
		fmt.Printf("member.%s: %s %s\n", r.Name, r.Kind, r.TargetTable().Name)
	}
	role := member.Column("role")
	fmt.Println(role.Name, role.Type, role.Default, "->", role.BetterAuth.Name, role.BetterAuth.Type)
	// Output:
	// iam_member is organization scoped; Better Auth model member
	// member.organization: one shared_organization
	// member.user: one shared_user
	// member.invitedByUser: one shared_user
	// role text 'member'::text -> role string
}

// Declare an application table on top of the IAM schema and render its DDL.
func ExampleNew() {
	note := schema.NewOrgTable("app_note",
		schema.Text("body").Required(),
		schema.Text("author_id").Required().References(domain.TableUser, schema.ColID, schema.Cascade, schema.Cascade),
		schema.Idx("note_author_idx", "author_id"),
		schema.One("author", domain.TableUser, "author_id"),
	)
	s, err := schema.New("notes", schema.IAM(), schema.WithTables(note), schema.WithGrants(schema.AppRole))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(s.SQLUp(""), "\n") {
		if strings.HasPrefix(line, "CREATE INDEX") || strings.HasPrefix(line, "CREATE POLICY") {
			fmt.Println(line)
		}
	}
	// Output:
	// CREATE INDEX app_note_organization_id_idx ON app_note USING btree (organization_id);
	// CREATE INDEX note_author_idx ON app_note USING btree (author_id);
	// CREATE POLICY tenant_isolation ON app_note AS PERMISSIVE FOR ALL USING (organization_id = current_setting('app.current_org_id'::text, true)) WITH CHECK (organization_id = current_setting('app.current_org_id'::text, true));
}
