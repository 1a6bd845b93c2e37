package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// repos is what *store.Org and *store.OrgTx both hand out.
type repos interface {
	Teams() store.TeamRepo
	TeamMembers() store.TeamMemberRepo
	Members() store.MemberRepo
	Invitations() store.InvitationRepo
	Roles() store.OrganizationRoleRepo
	Files() store.FileRepo
	Folders() store.FolderRepo
	APIKeys() store.APIKeyRepo
	SSOProviders() store.SSOProviderRepo
	SCIMProviders() store.SCIMProviderRepo
	Subscriptions() store.SubscriptionRepo
	OAuthClients() store.OAuthClientRepo
	OAuthAccessTokens() store.OAuthAccessTokenRepo
	OAuthConsents() store.OAuthConsentRepo
	OAuthRefreshTokens() store.OAuthRefreshTokenRepo
	OAuthClientResources() store.OAuthClientResourceRepo
}

var (
	_ repos = (*store.Org)(nil)
	_ repos = (*store.OrgTx)(nil)
)

// apiKind says how a store call is judged.
type apiKind int

const (
	// apiGet must fail (another tenant's row is "not found").
	apiGet apiKind = iota
	// apiList may succeed but must return nothing of B's.
	apiList
	// apiWrite may succeed only without touching B's footprint, and must
	// return nothing of B's.
	apiWrite
)

// apiCase is one attack through the store's API. before and after run
// (as B, legitimately) around it: e.g. B soft-deletes its row so that A's
// Restore and Purge have something to aim at.
type apiCase struct {
	kind          apiKind
	before, after func()
	run           func(ctx context.Context, r repos) (any, error)
}

// dump renders v with its secrets revealed, for the search for B's data.
func dump(v any) string {
	var b strings.Builder
	var walk func(reflect.Value)
	secret := reflect.TypeOf(domain.Secret{})
	walk = func(x reflect.Value) {
		if !x.IsValid() {
			return
		}
		if x.Type() == secret {
			b.WriteString(x.Interface().(domain.Secret).Reveal() + " ")
			return
		}
		if x.CanInterface() {
			if s, ok := x.Interface().(fmt.Stringer); ok && x.Kind() == reflect.Struct {
				b.WriteString(s.String() + " ")
			}
		}
		switch x.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				walk(x.Field(i))
			}
		case reflect.Slice, reflect.Array:
			if x.Type().Elem().Kind() == reflect.Uint8 {
				b.Write(x.Bytes())
				return
			}
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				walk(k)
				walk(x.MapIndex(k))
			}
		case reflect.String:
			b.WriteString(x.String() + " ")
		default:
			if x.CanInterface() {
				fmt.Fprintf(&b, "%v ", x.Interface())
			}
		}
	}
	walk(reflect.ValueOf(v))
	return b.String()
}

// fresh gives e a new id and version 1 (a row to create).
func fresh[E domain.Entity](e E) E {
	v := reflect.ValueOf(&e).Elem()
	v.FieldByName("ID").Set(reflect.ValueOf(domain.NewID[E]()))
	v.FieldByName("Version").SetInt(1)
	v.FieldByName("RowID").SetInt(0)
	return e
}

// generic adds the cases of OrgRepo's methods for one repository type.
func (w *world) generic(cases map[string]apiCase, typ string, repoOf func(r repos) any, bRow any, create func() any) {
	ctx := w.ctx
	ob := w.s.Org(w.b.id)
	id := reflect.ValueOf(bRow).FieldByName("ID")
	call := func(r repos, name string, args ...any) (any, error) {
		m := reflect.ValueOf(repoOf(r)).MethodByName(name)
		in := []reflect.Value{reflect.ValueOf(ctx)}
		for _, a := range args {
			in = append(in, reflect.ValueOf(a))
		}
		out := m.Call(in)
		err, _ := out[len(out)-1].Interface().(error)
		var res any
		if len(out) > 1 {
			res = out[0].Interface()
		}
		return res, err
	}
	bDelete := func() {
		_, err := call(ob, "Delete", id.Interface())
		require.NoError(w.t, err)
	}
	bRestore := func() {
		_, err := call(ob, "Restore", id.Interface())
		require.NoError(w.t, err)
	}
	cases[typ+".Get"] = apiCase{kind: apiGet, run: func(_ context.Context, r repos) (any, error) { return call(r, "Get", id.Interface()) }}
	cases[typ+".List"] = apiCase{kind: apiList, run: func(_ context.Context, r repos) (any, error) {
		return call(r, "List", store.Page{Limit: store.MaxPageSize})
	}}
	cases[typ+".Update"] = apiCase{kind: apiWrite, run: func(_ context.Context, r repos) (any, error) {
		cur, err := call(ob, "Get", id.Interface()) // B's row at its current version
		require.NoError(w.t, err)
		v := reflect.New(reflect.TypeOf(cur)).Elem()
		v.Set(reflect.ValueOf(cur))
		by := "hostile"
		v.FieldByName("UpdatedBy").Set(reflect.ValueOf(&by))
		return call(r, "Update", v.Interface())
	}}
	cases[typ+".Delete"] = apiCase{kind: apiWrite, run: func(_ context.Context, r repos) (any, error) { return call(r, "Delete", id.Interface()) }}
	cases[typ+".Restore"] = apiCase{kind: apiWrite, before: bDelete, after: bRestore, run: func(_ context.Context, r repos) (any, error) {
		return call(r, "Restore", id.Interface())
	}}
	cases[typ+".Purge"] = apiCase{kind: apiWrite, before: bDelete, after: bRestore, run: func(_ context.Context, r repos) (any, error) {
		return call(r, "Purge", id.Interface())
	}}
	cases[typ+".Create"] = apiCase{kind: apiWrite, run: func(_ context.Context, r repos) (any, error) { return call(r, "Create", create()) }}
}

func (w *world) storeCases() (repoCases map[string]apiCase, orgCases map[string]apiCase) {
	b, a := w.b, w.a
	page := store.Page{Limit: store.MaxPageSize}
	rc := map[string]apiCase{}
	w.generic(rc, "TeamRepo", func(r repos) any { return r.Teams() }, b.team, func() any {
		e := fresh(b.team)
		e.Name += " copy"
		e.Slug = nil
		return e
	})
	w.generic(rc, "MemberRepo", func(r repos) any { return r.Members() }, b.memberMember, func() any {
		e := fresh(b.memberMember)
		e.UserID = w.freshUser()
		return e
	})
	w.generic(rc, "TeamMemberRepo", func(r repos) any { return r.TeamMembers() }, b.teamMember, func() any {
		e := fresh(b.teamMember) // B's team, organization overwritten with A
		e.UserID = a.member.ID
		e.MembershipKey = nil
		return e
	})
	w.generic(rc, "InvitationRepo", func(r repos) any { return r.Invitations() }, b.invitation, func() any {
		e := fresh(b.invitation) // team_id: B's team
		e.Email = "hostile-" + randHex(4) + "@example.com"
		return e
	})
	w.generic(rc, "OrganizationRoleRepo", func(r repos) any { return r.Roles() }, b.role, func() any {
		e := fresh(b.role) // B's organization id; a name of its own
		e.Role = "hostile" + randHex(6)
		return e
	})
	w.generic(rc, "FolderRepo", func(r repos) any { return r.Folders() }, b.folder, func() any { return fresh(b.folder) })
	w.generic(rc, "FileRepo", func(r repos) any { return r.Files() }, b.file, func() any {
		e := fresh(a.file)
		e.FolderID = b.folder.ID // B's folder
		return e
	})
	w.generic(rc, "APIKeyRepo", func(r repos) any { return r.APIKeys() }, b.apiKey.Key, func() any {
		e := fresh(a.apiKey.Key)
		e.ReferenceID = b.id.String() // Better Auth reads this key as B's
		e.Key = domain.NewSecret("hostile-hash-" + randHex(16))
		return e
	})
	w.generic(rc, "SSOProviderRepo", func(r repos) any { return r.SSOProviders() }, b.sso, func() any {
		e := fresh(b.sso)
		e.ProviderID = "hostile-" + randHex(8)
		return e
	})
	w.generic(rc, "SCIMProviderRepo", func(r repos) any { return r.SCIMProviders() }, b.scim, func() any {
		e := fresh(b.scim)
		e.ProviderID = "hostile-" + randHex(8)
		e.SCIMToken = domain.NewSecret("hostile-" + randHex(8))
		return e
	})
	w.generic(rc, "SubscriptionRepo", func(r repos) any { return r.Subscriptions() }, b.subscription, func() any {
		e := fresh(a.subscription)
		e.ReferenceID = b.id.String() // Better Auth reads this subscription as B's
		e.StripeSubscriptionID = nil
		return e
	})
	w.generic(rc, "OAuthClientRepo", func(r repos) any { return r.OAuthClients() }, b.app, func() any {
		e := fresh(b.app)
		e.ClientID = "client-copy-" + randHex(4)
		return e
	})
	w.generic(rc, "OAuthAccessTokenRepo", func(r repos) any { return r.OAuthAccessTokens() }, b.token, func() any {
		e := fresh(a.token)
		e.ClientID = b.clientID // B's client
		e.Token = domain.NewSecret("hostile-at-" + randHex(8))
		return e
	})
	w.generic(rc, "OAuthRefreshTokenRepo", func(r repos) any { return r.OAuthRefreshTokens() }, b.refresh, func() any {
		e := fresh(a.refresh)
		e.ClientID = b.clientID // B's client
		e.Token = domain.NewSecret("hostile-rt-" + randHex(8))
		return e
	})
	w.generic(rc, "OAuthClientResourceRepo", func(r repos) any { return r.OAuthClientResources() }, b.clientRes, func() any {
		e := fresh(a.clientRes)
		e.ClientID = b.clientID // B's client
		return e
	})
	w.generic(rc, "OAuthConsentRepo", func(r repos) any { return r.OAuthConsents() }, b.consent, func() any {
		e := fresh(a.consent)
		e.ClientID = b.clientID // B's application
		return e
	})
	get := func(f func(ctx context.Context, r repos) (any, error)) apiCase { return apiCase{kind: apiGet, run: f} }
	list := func(f func(ctx context.Context, r repos) (any, error)) apiCase { return apiCase{kind: apiList, run: f} }
	rc["MemberRepo.GetByUser"] = get(func(ctx context.Context, r repos) (any, error) { return r.Members().GetByUser(ctx, b.member.ID) })
	rc["MemberRepo.ListFiltered"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.Members().ListFiltered(ctx, store.MemberFilter{Role: "owner"}, page)
		return l, err
	})
	rc["TeamMemberRepo.ListByTeam"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.TeamMembers().ListByTeam(ctx, b.team.ID, page)
		return l, err
	})
	rc["TeamMemberRepo.GetByTeamUser"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.TeamMembers().GetByTeamUser(ctx, b.team.ID, b.member.ID)
	})
	rc["InvitationRepo.ListPending"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.Invitations().ListPending(ctx, page)
		return l, err
	})
	rc["InvitationRepo.GetPendingByEmail"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.Invitations().GetPendingByEmail(ctx, b.invitee.Email)
	})
	rc["OrganizationRoleRepo.GetByRole"] = get(func(ctx context.Context, r repos) (any, error) { return r.Roles().GetByRole(ctx, b.role.Role) })
	rc["TeamRepo.GetBySlug"] = get(func(ctx context.Context, r repos) (any, error) { return r.Teams().GetBySlug(ctx, *b.team.Slug) })
	rc["SSOProviderRepo.GetByProviderID"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.SSOProviders().GetByProviderID(ctx, b.sso.ProviderID)
	})
	rc["SCIMProviderRepo.GetByProviderID"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.SCIMProviders().GetByProviderID(ctx, b.scim.ProviderID)
	})
	rc["SubscriptionRepo.GetByStripeSubscriptionID"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.Subscriptions().GetByStripeSubscriptionID(ctx, b.stripeSubID)
	})
	rc["OAuthClientRepo.GetByClientID"] = get(func(ctx context.Context, r repos) (any, error) {
		return r.OAuthClients().GetByClientID(ctx, b.clientID)
	})
	rc["OAuthConsentRepo.ListByUser"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.OAuthConsents().ListByUser(ctx, b.owner.ID, page)
		return l, err
	})
	rc["OAuthRefreshTokenRepo.ListByUser"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.OAuthRefreshTokens().ListByUser(ctx, b.owner.ID, page)
		return l, err
	})
	rc["OAuthClientResourceRepo.ListByClient"] = list(func(ctx context.Context, r repos) (any, error) {
		l, _, err := r.OAuthClientResources().ListByClient(ctx, b.clientID, page)
		return l, err
	})

	oa := w.s.Org(a.id)
	oc := map[string]apiCase{}
	write := func(f func(ctx context.Context) (any, error)) apiCase {
		return apiCase{kind: apiWrite, run: func(ctx context.Context, _ repos) (any, error) { return f(ctx) }}
	}
	mustFail := func(f func(ctx context.Context) (any, error)) apiCase {
		return apiCase{kind: apiGet, run: func(ctx context.Context, _ repos) (any, error) { return f(ctx) }}
	}
	bTeams := b.team.ID.String()
	oc["Org.Invite"] = write(func(ctx context.Context) (any, error) {
		return oa.Invite(ctx, domain.InvitationParams{Email: "hostile-" + randHex(4) + "@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: a.owner.ID, TeamID: &bTeams})
	})
	oc["Org.AcceptInvitation"] = write(func(ctx context.Context) (any, error) { return oa.AcceptInvitation(ctx, b.invitation.ID, b.invitee.ID) })
	oc["Org.RejectInvitation"] = mustFail(func(ctx context.Context) (any, error) { return nil, oa.RejectInvitation(ctx, b.invitation.ID) })
	oc["Org.CancelInvitation"] = mustFail(func(ctx context.Context) (any, error) { return nil, oa.CancelInvitation(ctx, b.invitation.ID) })
	oc["Org.ChangeRole"] = mustFail(func(ctx context.Context) (any, error) { return oa.ChangeRole(ctx, b.memberMember.ID, "admin") })
	oc["Org.ChangeRole/B's custom role"] = mustFail(func(ctx context.Context) (any, error) {
		return oa.ChangeRole(ctx, a.memberMember.ID, b.role.Role)
	})
	oc["Org.RemoveMember"] = mustFail(func(ctx context.Context) (any, error) { return nil, oa.RemoveMember(ctx, b.memberMember.ID) })
	oc["Org.RemoveMember/B's owner"] = mustFail(func(ctx context.Context) (any, error) { return nil, oa.RemoveMember(ctx, b.ownerMember.ID) })
	oc["Org.CreateAPIKey"] = write(func(ctx context.Context) (any, error) {
		k, err := oa.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_"})
		return k.Key, err
	})
	oc["Org.ID"] = apiCase{kind: apiList, run: func(context.Context, repos) (any, error) {
		if oa.ID() != a.id {
			return nil, errors.New("wrong id")
		}
		return oa.ID(), nil
	}}
	oc["Org.Invite/B's organization"] = mustFail(func(ctx context.Context) (any, error) {
		return oa.Invite(ctx, domain.InvitationParams{OrganizationID: b.id, Email: "hostile-" + randHex(4) + "@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: a.owner.ID})
	})
	// The workflows on A's transaction (OrgTx), each in a transaction of
	// A's that commits what the workflow did.
	inTx := func(ctx context.Context, f func(tx *store.OrgTx) (any, error)) (any, error) {
		var res any
		err := oa.InTx(ctx, func(tx *store.OrgTx) error {
			var err error
			res, err = f(tx)
			return err
		})
		return res, err
	}
	writeTx := func(f func(ctx context.Context, tx *store.OrgTx) (any, error)) apiCase {
		return write(func(ctx context.Context) (any, error) {
			return inTx(ctx, func(tx *store.OrgTx) (any, error) { return f(ctx, tx) })
		})
	}
	mustFailTx := func(f func(ctx context.Context, tx *store.OrgTx) (any, error)) apiCase {
		return mustFail(func(ctx context.Context) (any, error) {
			return inTx(ctx, func(tx *store.OrgTx) (any, error) { return f(ctx, tx) })
		})
	}
	oc["OrgTx.Invite"] = writeTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return tx.Invite(ctx, domain.InvitationParams{Email: "hostile-" + randHex(4) + "@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: a.owner.ID, TeamID: &bTeams})
	})
	oc["OrgTx.Invite/B's organization"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return tx.Invite(ctx, domain.InvitationParams{OrganizationID: b.id, Email: "hostile-" + randHex(4) + "@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: a.owner.ID})
	})
	oc["OrgTx.AcceptInvitation"] = writeTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return tx.AcceptInvitation(ctx, b.invitation.ID, b.invitee.ID)
	})
	oc["OrgTx.RejectInvitation"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return nil, tx.RejectInvitation(ctx, b.invitation.ID)
	})
	oc["OrgTx.CancelInvitation"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return nil, tx.CancelInvitation(ctx, b.invitation.ID)
	})
	oc["OrgTx.ChangeRole"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return tx.ChangeRole(ctx, b.memberMember.ID, "admin")
	})
	oc["OrgTx.ChangeRole/B's custom role"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return tx.ChangeRole(ctx, a.memberMember.ID, b.role.Role)
	})
	oc["OrgTx.RemoveMember"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return nil, tx.RemoveMember(ctx, b.memberMember.ID)
	})
	oc["OrgTx.RemoveMember/B's owner"] = mustFailTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		return nil, tx.RemoveMember(ctx, b.ownerMember.ID)
	})
	oc["OrgTx.CreateAPIKey"] = writeTx(func(ctx context.Context, tx *store.OrgTx) (any, error) {
		k, err := tx.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_"})
		return k.Key, err
	})
	oc["OrgTx.ID"] = apiCase{kind: apiList, run: func(ctx context.Context, _ repos) (any, error) {
		return inTx(ctx, func(tx *store.OrgTx) (any, error) {
			if tx.ID() != a.id {
				return nil, errors.New("wrong id")
			}
			return tx.ID(), nil
		})
	}}
	// The caller's own statements on A's transaction: RLS confines them to
	// A like the repositories.
	oc["OrgTx.DB"] = apiCase{kind: apiList, run: func(ctx context.Context, _ repos) (any, error) {
		return inTx(ctx, func(tx *store.OrgTx) (any, error) {
			var ids []string
			for _, q := range []string{"SELECT id FROM iam_member", "SELECT id FROM iam_invitation", "SELECT id FROM iam_team", "SELECT id FROM iam_apikey"} {
				rows, err := tx.DB().Query(ctx, q)
				if err != nil {
					return nil, err
				}
				for rows.Next() {
					var id string
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return nil, err
					}
					ids = append(ids, id)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return nil, err
				}
			}
			return ids, nil
		})
	}}
	oc["OrgTx.DB/update B's rows"] = write(func(ctx context.Context) (any, error) {
		return inTx(ctx, func(tx *store.OrgTx) (any, error) {
			tag, err := tx.DB().Exec(ctx, "UPDATE iam_member SET role = 'owner' WHERE organization_id = $1", b.id.String())
			return tag.RowsAffected(), err
		})
	})
	oc["Tx.SetActiveOrganization"] = write(func(ctx context.Context) (any, error) {
		var res any
		err := w.s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = tx.SetActiveOrganization(ctx, a.session.ID, b.id)
			return err
		})
		return res, err
	})
	oc["Tx.SetActiveOrganization/B's session to A"] = write(func(ctx context.Context) (any, error) {
		var res any
		err := w.s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = tx.SetActiveOrganization(ctx, b.session.ID, a.id)
			return err
		})
		return res, err
	})
	oc["Store.SetActiveOrganization"] = write(func(ctx context.Context) (any, error) {
		return w.s.SetActiveOrganization(ctx, a.session.ID, b.id)
	})
	oc["Store.SetActiveOrganization/B's session to A"] = write(func(ctx context.Context) (any, error) {
		return w.s.SetActiveOrganization(ctx, b.session.ID, a.id)
	})
	return rc, oc
}

func (w *world) freshUser() domain.UserID { return domain.MustParseID[domain.User](w.freshUserID()) }

// bStrings are the strings that must never come back to A: B's markers and
// the ids of all of B's rows.
func (w *world) bStrings() []string {
	out := append([]string(nil), w.markers...)
	for _, tb := range orgTables() {
		out = append(out, w.catalog(tb.Name).rows[w.b.id.String()]...)
	}
	return append(out, w.b.invitee.Email, w.b.role.Role, w.b.sso.ProviderID, w.b.scim.ProviderID, w.b.stripeSubID)
}

func (w *world) runAPICase(t *testing.T, key, via string, c apiCase, r func(fn func(repos) (any, error)) (any, error)) {
	t.Helper()
	if c.before != nil {
		c.before()
	}
	before := w.footprint()
	res, err := r(func(rp repos) (any, error) { return c.run(w.ctx, rp) })
	d := before.diff(w.footprint())
	if c.after != nil {
		c.after()
	}
	leaked := w.namesB(dump(res), w.bStrings()...)
	ok := d == "" && len(leaked) == 0
	kind := kindWrite
	switch c.kind {
	case apiGet:
		ok = ok && err != nil
		kind = kindRead
	case apiList:
		kind = kindRead
	}
	if d != "" {
		kind = kindWrite
	}
	judge(t, ok, kind, key, "store call with B's ids via "+via, "s.Org(A)",
		fmt.Sprintf("error: %v; B's data in the result: %v; B's footprint changed: %s", err, leaked, d))
}

// methodsOf lists the exported methods of t as "Type.Method".
func methodsOf(t reflect.Type) []string {
	name := t.Name()
	if t.Kind() == reflect.Pointer {
		name = t.Elem().Name()
	}
	var out []string
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, name+"."+t.Method(i).Name)
	}
	return out
}

// repoTypes lists the repository types handed out by t's methods.
func repoTypes(t reflect.Type) []reflect.Type {
	var out []reflect.Type
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i).Type
		if m.NumIn() == 1 && m.NumOut() == 1 && m.Out(0).Kind() == reflect.Struct && m.Out(0).PkgPath() == reflect.TypeOf(store.Page{}).PkgPath() {
			out = append(out, m.Out(0))
		}
	}
	return out
}

func testStoreAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	repoCases, orgCases := w.storeCases()
	orgT, txT := reflect.TypeOf(&store.Org{}), reflect.TypeOf(&store.OrgTx{})

	// Coverage: every exported method of Org, OrgTx and their repositories,
	// and every Store method taking an organization id, has a case.
	getterOf := map[string]func(repos) any{}
	for _, rt := range repoTypes(orgT) {
		for _, m := range methodsOf(rt) {
			_, ok := repoCases[m]
			require.True(t, ok, "store method %s has no hostile case: add one in storeapi_test.go", m)
		}
	}
	require.ElementsMatch(t, typeNames(repoTypes(orgT)), typeNames(repoTypes(txT)), "Org and OrgTx hand out different repositories")
	for i := 0; i < orgT.NumMethod(); i++ {
		m := orgT.Method(i)
		if m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0).Kind() == reflect.Struct {
			name := m.Name
			getterOf[m.Type.Out(0).Name()] = func(r repos) any { return reflect.ValueOf(r).MethodByName(name).Call(nil)[0].Interface() }
			continue
		}
		if m.Name == "InTx" {
			continue // every repository case also runs through InTx and OrgTx
		}
		_, ok := orgCases["Org."+m.Name]
		require.True(t, ok, "store method Org.%s has no hostile case: add one in storeapi_test.go", m.Name)
	}
	for i := 0; i < txT.NumMethod(); i++ {
		m := txT.Method(i)
		if m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0).Kind() == reflect.Struct {
			_, ok := getterOf[m.Type.Out(0).Name()]
			require.True(t, ok, "OrgTx.%s hands out a repository Org does not", m.Name)
			continue
		}
		_, ok := orgCases["OrgTx."+m.Name]
		require.True(t, ok, "store method OrgTx.%s has no hostile case (not a repository getter): add one in storeapi_test.go", m.Name)
	}
	orgIDT := reflect.TypeOf(domain.OrganizationID{})
	for _, sT := range []reflect.Type{reflect.TypeOf(&store.Store{}), reflect.TypeOf(&store.Tx{})} {
		name := sT.Elem().Name()
		for i := 0; i < sT.NumMethod(); i++ {
			m := sT.Method(i)
			for j := 1; j < m.Type.NumIn(); j++ {
				in := m.Type.In(j)
				if in == orgIDT || (in.Kind() == reflect.Slice && in.Elem() == orgIDT) {
					if m.Name == "Org" {
						continue // the handle itself: every Org case
					}
					_, ok := orgCases[name+"."+m.Name]
					require.True(t, ok, "store method %s.%s takes an organization id and has no hostile case", name, m.Name)
				}
			}
		}
	}

	oa := w.s.Org(w.a.id)
	keys := make([]string, 0, len(repoCases))
	for k := range repoCases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := repoCases[k]
		w.runAPICase(t, k, "s.Org(A)", c, func(fn func(repos) (any, error)) (any, error) { return fn(oa) })
		w.runAPICase(t, k, "s.Org(A).InTx (OrgTx)", c, func(fn func(repos) (any, error)) (any, error) {
			var res any
			err := oa.InTx(w.ctx, func(tx *store.OrgTx) error {
				var err error
				res, err = fn(tx)
				return err
			})
			return res, err
		})
	}
	keys = keys[:0]
	for k := range orgCases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.runAPICase(t, k, "s.Org(A)", orgCases[k], func(fn func(repos) (any, error)) (any, error) { return fn(oa) })
	}
}

func typeNames(ts []reflect.Type) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name())
	}
	return out
}
