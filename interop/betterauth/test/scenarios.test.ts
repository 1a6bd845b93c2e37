// Better Auth 1.7 on the iam schema: every scenario calls Better Auth and then
// reads the rows back from PostgreSQL. Tests run in order and share state.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHash } from "node:crypto";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { createOTP } from "@better-auth/utils/otp";
import { betterAuth } from "better-auth";
import { lastLoginMethod, magicLink, multiSession, oneTimeToken } from "better-auth/plugins";
import { sso } from "@better-auth/sso";
import { stripe } from "@better-auth/stripe";
import {
  adapter, appOptions, artefacts, auth, iam, pool, baseURL, close, cookieOf, fixtures, headersWith, idPattern, plugins, row, rows,
  sentOTPs, sentTokens, signUp, stripeCalls, stripePeriod, writeArtefacts,
} from "./harness.ts";
import { iamGenerateId, iamTableOfModel, schema, uuidv7 } from "../iam.ts";
import { SoftAuthenticator } from "./webauthn.ts";

const password = "correct horse battery staple";
const stamp = Date.now().toString(36);
const email = (name: string) => `${name}.${stamp}@example.com`;

type U = { userId: string; cookie: string; headers: Headers; email: string };
const users: Record<string, U> = {};
async function user(name: string, extra: Record<string, unknown> = {}): Promise<U> {
  if (users[name]) return users[name];
  const e = email(name);
  const r = await signUp(e, password, extra);
  users[name] = { userId: r.userId, cookie: r.cookie, headers: headersWith(r.cookie), email: e };
  return users[name];
}

before(async () => {
  const ctx: any = await auth.$context;
  assert.ok(ctx.checkSchema, `Better Auth's runtime schema check must be on for the ${adapter} adapter`);
  await ctx.checkSchema(); // throws SchemaMismatchError on any finding
  artefacts.adapter = ctx.adapter.id; // "drizzle" (withIam) or "kysely" (withIamKysely)
});

after(async () => {
  writeArtefacts();
  await close();
});

describe("the emitted module", () => {
  test("Better Auth's connection bypasses row-level security", async () => {
    const r = (await pool.query(`select current_user as role, session_user as login, (select rolbypassrls or rolsuper from pg_roles where rolname = current_user) as bypass`)).rows[0];
    assert.equal(r.bypass, true, `role ${r.role} (login ${r.login}) does not bypass RLS: connect as a member of iam_auth (docs/betterauth.md)`);
    artefacts.connection = r;
  });

  test("matches the migrated database column by column, both ways", async () => {
    const problems: string[] = [];
    for (const [key, table] of Object.entries(schema)) {
      if (!is(table, PgTable)) continue;
      const name = getTableName(table);
      const live = await rows<{ column_name: string; is_nullable: string; column_default: string | null; is_identity: string; data_type: string; udt_name: string }>(
        `select column_name, is_nullable, column_default, is_identity, data_type, udt_name
           from information_schema.columns where table_schema = current_schema() and table_name = $1`, [name]);
      if (live.length === 0) { problems.push(`table ${name} (${key}) is missing`); continue; }
      const byName = new Map(live.map((c) => [c.column_name, c]));
      const declared = new Set<string>();
      for (const [prop, col] of Object.entries(getTableColumns(table))) {
        const c: any = col;
        declared.add(c.name);
        const l = byName.get(c.name);
        if (!l) { problems.push(`${name}.${c.name} (${key}.${prop}) is missing in the database`); continue; }
        if ((l.is_nullable === "NO") !== !!c.notNull) problems.push(`${name}.${c.name}: notNull ${c.notNull} but database nullable=${l.is_nullable}`);
        const liveDefault = l.column_default !== null || l.is_identity === "YES";
        if (liveDefault && !c.hasDefault) problems.push(`${name}.${c.name}: database has a default, Drizzle does not`);
        const expectType: Record<string, string> = { PgText: "text", PgBoolean: "bool", PgInteger: "int4", PgBigInt53: "int8", PgTimestamp: "timestamptz", PgJsonb: "jsonb", PgUUID: "uuid" };
        const want = c.columnType === "PgEnumColumn" ? c.enum.enumName : expectType[c.columnType];
        if (want !== l.udt_name) problems.push(`${name}.${c.name}: Drizzle ${c.columnType} (${want}) but database ${l.udt_name}`);
      }
      for (const l of live) if (!declared.has(l.column_name)) problems.push(`${name}.${l.column_name} exists in the database but not in the Drizzle schema`);
    }
    const tables = await rows<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and (table_name like 'iam\\_%' or table_name like 'shared\\_%') and table_name not like 'iam\\_schema\\_migrations%'`);
    const emitted = new Set(Object.values(schema).filter((t) => is(t, PgTable)).map((t: any) => getTableName(t)));
    for (const t of tables) if (!emitted.has(t.table_name)) problems.push(`table ${t.table_name} is not in the Drizzle schema`);
    assert.deepEqual(problems, []);
  });

  test("the schema check also passes with the optional fields and plugins that only use core tables", async () => {
    const extra = betterAuth(iam({
      ...appOptions,
      plugins: [
        ...plugins().filter((p: any) => p.id !== "sso" && p.id !== "stripe"),
        sso({ domainVerification: { enabled: true } }),
        stripe({ stripeClient: {} as any, stripeWebhookSecret: "whsec_test", organization: { enabled: true }, subscription: { enabled: true, plans: [] } }),
        lastLoginMethod({ storeInDatabase: true }),
        multiSession(), oneTimeToken(),
        magicLink({ sendMagicLink: async () => {} }),
      ],
    }));
    const ctx: any = await extra.$context;
    await ctx.checkSchema();
  });

  test("ids: every Better Auth model gets <table>__<uuidv7>", () => {
    for (const [model, table] of Object.entries(iamTableOfModel)) {
      assert.match(iamGenerateId({ model }), idPattern(table));
    }
    assert.match(iamGenerateId({ model: "notOurs" }), /^[0-9a-f-]{36}$/);
  });

  test("uuidv7 makes time-ordered version 7 UUIDs", () => {
    const a = uuidv7();
    const b = uuidv7();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(a.slice(0, 13) <= b.slice(0, 13));
  });
});

describe("email and password", () => {
  test("sign-up writes shared_user and a credential iam_account with iam ids", async () => {
    const a = await user("alice");
    assert.match(a.userId, idPattern("shared_user"));
    const u = await row(`select * from shared_user where id = $1`, [a.userId]);
    assert.equal(u.email, a.email);
    assert.equal(u.email_verified, false);
    assert.equal(u.version, 1);
    assert.ok(u.created_at instanceof Date);
    const acc = await row(`select * from iam_account where user_id = $1`, [a.userId]);
    assert.match(acc.id, idPattern("iam_account"));
    assert.equal(acc.provider_id, "credential");
    assert.equal(acc.account_id, a.userId);
    assert.match(acc.password, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    const s = await row(`select * from shared_session where user_id = $1`, [a.userId]);
    assert.match(s.id, idPattern("shared_session"));
    artefacts.password = { email: a.email, password, userId: a.userId, hash: acc.password };
  });

  test("sign-in creates a session whose token is in the signed cookie", async () => {
    const a = users.alice;
    const r = await auth.api.signInEmail({ body: { email: a.email, password }, returnHeaders: true });
    const cookie = cookieOf(r.headers);
    const value = decodeURIComponent(cookie.match(/better-auth\.session_token=([^;]+)/)![1]);
    const token = value.slice(0, value.lastIndexOf("."));
    const s = await row(`select * from shared_session where token = $1`, [token]);
    assert.equal(s.user_id, a.userId);
    assert.ok(s.expires_at > new Date());
    a.cookie = cookie;
    a.headers = headersWith(cookie);
    artefacts.session = { cookie: value, cookieHeader: cookie, token, userId: a.userId, sessionId: s.id };
  });

  test("get-session returns the user and session of the cookie", async () => {
    const got: any = await auth.api.getSession({ headers: users.alice.headers });
    assert.equal(got.user.id, users.alice.userId);
    const s = await row(`select id, (extract(epoch from expires_at) * 1000)::bigint as ms from shared_session where token = $1`, [got.session.token]);
    assert.equal(s.id, got.session.id);
    // Better Auth's connection runs in Asia/Kolkata, the process in America/New_York: no shift.
    assert.equal(Number(s.ms), new Date(got.session.expiresAt).getTime());
  });

  test("a bearer token (the signed session token) works like the cookie", async () => {
    const signed = (artefacts.session as any).cookie;
    const got: any = await auth.api.getSession({ headers: new Headers({ authorization: "Bearer " + signed }) });
    assert.equal(got.user.id, users.alice.userId);
  });

  test("e-mail OTP sign-in goes through iam_verification", async () => {
    const e = email("otp");
    await auth.api.sendVerificationOTP({ body: { email: e, type: "sign-in" } });
    const otp = sentTokens.get("otp-sign-in:" + e)!;
    assert.equal((await rows(`select id from iam_verification where identifier = $1`, ["sign-in-otp-" + e])).length, 1);
    const r: any = await auth.api.signInEmailOTP({ body: { email: e, otp } });
    assert.match(r.user.id, idPattern("shared_user"));
    assert.equal((await rows(`select id from iam_verification where identifier = $1`, ["sign-in-otp-" + e])).length, 0, "the OTP is consumed");
  });

  test("e-mail OTP sign-in of an existing unverified user: Better Auth's reservation row fits iam_verification (migration 0007)", async () => {
    // revokeUnprovenAccountAccess reserves a lock through reserveVerificationValue,
    // whose row id is base64url(SHA-256("reserve:" + identifier)): before 0007 the
    // typed-id check refused it and this sign-in failed.
    const u = await user("unverified");
    assert.equal((await row(`select email_verified from shared_user where id = $1`, [u.userId])).email_verified, false);
    await auth.api.sendVerificationOTP({ body: { email: u.email, type: "sign-in" } });
    const r: any = await auth.api.signInEmailOTP({ body: { email: u.email, otp: sentTokens.get("otp-sign-in:" + u.email)! } });
    assert.equal(r.user.id, u.userId);
    assert.equal((await row(`select email_verified from shared_user where id = $1`, [u.userId])).email_verified, true);
    // The reservation itself: once, then refused while it lasts (the id's uniqueness).
    const ctx: any = await auth.$context;
    const identifier = "interop-reservation-" + u.userId;
    const reserve = () => ctx.internalAdapter.reserveVerificationValue({ identifier, value: "v", expiresAt: new Date(Date.now() + 60_000) });
    assert.equal(await reserve(), true);
    assert.equal(await reserve(), false, "a second reservation of the same identifier is refused");
    const v = await row(`select id from iam_verification where identifier = $1`, [identifier]);
    assert.match(v.id, /^[A-Za-z0-9_-]{43}$/);
    await ctx.internalAdapter.deleteVerificationByIdentifier(identifier);
  });

  test("sign-out deletes the session row", async () => {
    const r = await auth.api.signInEmail({ body: { email: users.alice.email, password }, returnHeaders: true });
    const token = (r.response as any).token;
    await row(`select id from shared_session where token = $1`, [token]);
    await auth.api.signOut({ headers: headersWith(cookieOf(r.headers)) });
    assert.equal((await rows(`select id from shared_session where token = $1`, [token])).length, 0);
  });

  test("an update bumps version and updated_at through the database trigger", async () => {
    const before = await row(`select version, updated_at from shared_user where id = $1`, [users.alice.userId]);
    await auth.api.updateUser({ body: { name: "Alice A." }, headers: users.alice.headers });
    const after = await row(`select name, version, updated_at from shared_user where id = $1`, [users.alice.userId]);
    assert.equal(after.name, "Alice A.");
    assert.equal(after.version, before.version + 1);
    assert.ok(after.updated_at >= before.updated_at);
  });
});

describe("account life cycle", () => {
  test("e-mail verification sets email_verified through an iam_verification token", async () => {
    const g = await user("gina");
    await auth.api.sendVerificationEmail({ body: { email: g.email } });
    const token = sentTokens.get("verify:" + g.email)!;
    assert.ok(token);
    await auth.api.verifyEmail({ query: { token } });
    assert.equal((await row(`select email_verified from shared_user where id = $1`, [g.userId])).email_verified, true);
  });

  test("password reset and password change rewrite the credential account", async () => {
    const g = users.gina;
    const before = (await row(`select password from iam_account where user_id = $1 and provider_id = 'credential'`, [g.userId])).password;
    await auth.api.requestPasswordReset({ body: { email: g.email, redirectTo: "/reset" } });
    const token = sentTokens.get("reset:" + g.email)!;
    assert.ok((await rows(`select id from iam_verification where identifier = $1`, ["reset-password:" + token])).length === 1);
    await auth.api.resetPassword({ body: { newPassword: "a brand new password", token } });
    const reset = (await row(`select password from iam_account where user_id = $1 and provider_id = 'credential'`, [g.userId])).password;
    assert.notEqual(reset, before);
    assert.equal((await rows(`select id from iam_verification where identifier = $1`, ["reset-password:" + token])).length, 0, "the token is consumed");
    const si = await auth.api.signInEmail({ body: { email: g.email, password: "a brand new password" }, returnHeaders: true });
    await auth.api.changePassword({ body: { currentPassword: "a brand new password", newPassword: password, revokeOtherSessions: true }, headers: headersWith(cookieOf(si.headers)) });
    assert.notEqual((await row(`select password from iam_account where user_id = $1 and provider_id = 'credential'`, [g.userId])).password, reset);
  });

  test("delete user removes the user with its sessions, accounts and memberships", async () => {
    const h = await user("hank");
    const o: any = await auth.api.createOrganization({ body: { name: "Hank's", slug: "hank-" + stamp }, headers: h.headers });
    await auth.api.createApiKey({ body: { userId: h.userId, name: "hank" } });
    await auth.api.deleteUser({ body: { password }, headers: h.headers });
    for (const [table, col] of [["shared_user", "id"], ["shared_session", "user_id"], ["iam_account", "user_id"], ["iam_member", "user_id"]]) {
      assert.equal((await rows(`select 1 from ${table} where ${col} = $1`, [h.userId])).length, 0, `${table} rows of the deleted user`);
    }
    assert.equal((await rows(`select 1 from shared_organization where id = $1`, [o.id])).length, 1, "organizations outlive their owner");
  });

  test("delete organization removes its members, teams and invitations", async () => {
    const a = users.alice;
    const o: any = await auth.api.createOrganization({ body: { name: "Temp", slug: "temp-" + stamp, keepCurrentActiveOrganization: true }, headers: a.headers });
    await auth.api.createTeam({ body: { name: "T", organizationId: o.id }, headers: a.headers });
    await auth.api.createInvitation({ body: { email: email("temp"), role: "member", organizationId: o.id }, headers: a.headers });
    await auth.api.deleteOrganization({ body: { organizationId: o.id }, headers: a.headers });
    for (const table of ["iam_member", "shared_team", "iam_invitation"]) {
      assert.equal((await rows(`select 1 from ${table} where organization_id = $1`, [o.id])).length, 0, table);
    }
    assert.equal((await rows(`select 1 from shared_organization where id = $1`, [o.id])).length, 0);
  });
});

describe("admin", () => {
  test("set role, ban and unban write shared_user and revoke sessions", async () => {
    const root = await user("root");
    const bob = await user("bob");
    // Bootstrap: the first administrator is made in the database (as an operator would).
    await rows(`update shared_user set role = 'admin' where id = $1`, [root.userId]);
    await auth.api.setRole({ body: { userId: bob.userId, role: ["user", "support"] as any }, headers: root.headers });
    assert.equal((await row(`select role from shared_user where id = $1`, [bob.userId])).role, "user,support");
    await auth.api.banUser({ body: { userId: bob.userId, banReason: "spam", banExpiresIn: 3600 }, headers: root.headers });
    const banned = await row(`select banned, ban_reason, ban_expires from shared_user where id = $1`, [bob.userId]);
    assert.equal(banned.banned, true);
    assert.equal(banned.ban_reason, "spam");
    assert.ok(banned.ban_expires > new Date());
    assert.equal((await rows(`select id from shared_session where user_id = $1`, [bob.userId])).length, 0);
    await assert.rejects(auth.api.signInEmail({ body: { email: bob.email, password } }));
    await auth.api.unbanUser({ body: { userId: bob.userId }, headers: root.headers });
    const unbanned = await row(`select banned, ban_reason, ban_expires from shared_user where id = $1`, [bob.userId]);
    assert.equal(unbanned.banned, false);
    assert.equal(unbanned.ban_reason, null);
    const r = await auth.api.signInEmail({ body: { email: bob.email, password }, returnHeaders: true });
    bob.cookie = cookieOf(r.headers);
    bob.headers = headersWith(bob.cookie);
  });
});

describe("username, phone number, anonymous", () => {
  test("username is stored lower-cased with the display form; sign-in by username", async () => {
    const c = await user("carol", { username: "Carol_" + stamp, displayUsername: "Carol_" + stamp });
    const u = await row(`select username, display_username from shared_user where id = $1`, [c.userId]);
    assert.equal(u.username, ("carol_" + stamp).toLowerCase());
    assert.equal(u.display_username, "Carol_" + stamp);
    const r: any = await auth.api.signInUsername({ body: { username: "Carol_" + stamp, password } });
    assert.equal(r.user.id, c.userId);
  });

  test("phone number OTP verification sets phone_number and phone_number_verified", async () => {
    const c = users.carol;
    const phone = "+1555" + String(Date.now()).slice(-7);
    await auth.api.sendPhoneNumberOTP({ body: { phoneNumber: phone } });
    const code = sentOTPs.get(phone)!;
    assert.ok(code);
    const v = await rows(`select identifier from iam_verification where identifier like $1`, [`%${phone}%`]);
    assert.ok(v.length >= 1, "the OTP lives in iam_verification");
    await auth.api.verifyPhoneNumber({ body: { phoneNumber: phone, code, updatePhoneNumber: true }, headers: c.headers });
    const u = await row(`select phone_number, phone_number_verified from shared_user where id = $1`, [c.userId]);
    assert.equal(u.phone_number, phone);
    assert.equal(u.phone_number_verified, true);
  });

  test("anonymous sign-in creates an anonymous user and session", async () => {
    const r = await auth.api.signInAnonymous({ returnHeaders: true });
    const id = (r.response as any).user.id;
    assert.match(id, idPattern("shared_user"));
    const u = await row(`select is_anonymous, email from shared_user where id = $1`, [id]);
    assert.equal(u.is_anonymous, true);
    assert.equal((await rows(`select id from shared_session where user_id = $1`, [id])).length, 1);
  });
});

describe("organizations, invitations, teams, roles", () => {
  const org: { id?: string; teamId?: string; invitations: Record<string, string> } = { invitations: {} };

  test("create writes shared_organization and the owner iam_member", async () => {
    const a = users.alice;
    const o: any = await auth.api.createOrganization({ body: { name: "Acme", slug: "acme-" + stamp }, headers: a.headers });
    org.id = o.id;
    assert.match(o.id, idPattern("shared_organization"));
    const r = await row(`select name, slug from shared_organization where id = $1`, [o.id]);
    assert.deepEqual(r, { name: "Acme", slug: "acme-" + stamp });
    const m = await row(`select * from iam_member where organization_id = $1 and user_id = $2`, [o.id, a.userId]);
    assert.equal(m.role, "owner");
    assert.match(m.id, idPattern("iam_member"));
  });

  test("update and set active write the organization and the session", async () => {
    const a = users.alice;
    await auth.api.updateOrganization({ body: { organizationId: org.id!, data: { name: "Acme Inc", metadata: { tier: "gold" } } }, headers: a.headers });
    const r = await row(`select name, metadata from shared_organization where id = $1`, [org.id]);
    assert.equal(r.name, "Acme Inc");
    assert.ok(JSON.stringify(r.metadata).includes("gold"));
    await auth.api.setActiveOrganization({ body: { organizationId: org.id! }, headers: a.headers });
    const s = await row(`select active_organization_id from shared_session where token = $1`, [(artefacts.session as any).token]);
    assert.equal(s.active_organization_id, org.id);
  });

  test("invite, accept, reject and cancel move iam_invitation through its statuses", async () => {
    const a = users.alice;
    const dave = await user("dave");
    const erin = await user("erin");
    const inv = async (who: string) => {
      const i: any = await auth.api.createInvitation({ body: { email: email(who), role: "member", organizationId: org.id! }, headers: a.headers });
      assert.match(i.id, idPattern("iam_invitation"));
      org.invitations[who] = i.id;
      const r = await row(`select status, email, organization_id, inviter_id from iam_invitation where id = $1`, [i.id]);
      assert.equal(r.status, "pending");
      assert.equal(r.organization_id, org.id);
      assert.equal(r.inviter_id, a.userId);
      return i.id as string;
    };
    const d = await inv("dave");
    await auth.api.acceptInvitation({ body: { invitationId: d }, headers: dave.headers });
    assert.equal((await row(`select status from iam_invitation where id = $1`, [d])).status, "accepted");
    const m = await row(`select role from iam_member where organization_id = $1 and user_id = $2`, [org.id, dave.userId]);
    assert.equal(m.role, "member");
    const e = await inv("erin");
    await auth.api.rejectInvitation({ body: { invitationId: e }, headers: erin.headers });
    assert.equal((await row(`select status from iam_invitation where id = $1`, [e])).status, "rejected");
    const f = await inv("frank");
    await auth.api.cancelInvitation({ body: { invitationId: f }, headers: a.headers });
    assert.equal((await row(`select status from iam_invitation where id = $1`, [f])).status, "canceled");
  });

  test("teams: create, add member, set active team", async () => {
    const a = users.alice;
    const t: any = await auth.api.createTeam({ body: { name: "Platform", organizationId: org.id! }, headers: a.headers });
    org.teamId = t.id;
    assert.match(t.id, idPattern("shared_team"));
    assert.equal((await row(`select organization_id, name from shared_team where id = $1`, [t.id])).organization_id, org.id);
    await auth.api.addTeamMember({ body: { teamId: t.id, userId: users.dave.userId }, headers: a.headers });
    const tm = await row(`select * from iam_team_member where team_id = $1 and user_id = $2`, [t.id, users.dave.userId]);
    assert.match(tm.id, idPattern("iam_team_member"));
    assert.equal(tm.organization_id, org.id, "the database derives the team member's organization from its team");
    await auth.api.setActiveOrganization({ body: { organizationId: org.id! }, headers: users.dave.headers });
    await auth.api.setActiveTeam({ body: { teamId: t.id }, headers: users.dave.headers });
    const s = await rows(`select active_team_id from shared_session where user_id = $1 and active_team_id is not null`, [users.dave.userId]);
    assert.equal(s[0]?.active_team_id, t.id);
  });

  test("an invitation to several teams is stored comma-separated and accepted into each", async () => {
    const a = users.alice;
    const t2: any = await auth.api.createTeam({ body: { name: "Data", organizationId: org.id! }, headers: a.headers });
    const gus = await user("gus");
    const i: any = await auth.api.createInvitation({ body: { email: email("gus"), role: "member", organizationId: org.id!, teamId: [org.teamId!, t2.id] }, headers: a.headers });
    const stored = await row(`select team_id from iam_invitation where id = $1`, [i.id]);
    assert.deepEqual(stored.team_id.split(",").map((x: string) => x.trim()).sort(), [org.teamId, t2.id].sort());
    await auth.api.acceptInvitation({ body: { invitationId: i.id }, headers: gus.headers });
    const tms = await rows(`select team_id from iam_team_member where user_id = $1 order by team_id`, [gus.userId]);
    assert.deepEqual(tms.map((r: any) => r.team_id), [org.teamId, t2.id].sort());
    // A team of another organization (or none) is refused by the database.
    await assert.rejects(
      pool.query(`update iam_invitation set team_id = $1 where id = $2`, [org.teamId + ",shared_team__00000000-0000-7000-8000-000000000000", i.id]),
      /iam_invitation.team_id: team shared_team__00000000-0000-7000-8000-000000000000 not found/,
    );
  });

  test("a dynamic role is created in iam_organization_role and assigned to a member", async () => {
    const a = users.alice;
    const r: any = await auth.api.createOrgRole({ body: { role: "auditor", permission: { organization: ["update"], member: ["create"] }, organizationId: org.id! }, headers: a.headers });
    const stored = await row(`select id, role, permission, organization_id from iam_organization_role where organization_id = $1 and role = 'auditor'`, [org.id]);
    assert.match(stored.id, idPattern("iam_organization_role"));
    assert.deepEqual(JSON.parse(stored.permission), { organization: ["update"], member: ["create"] });
    assert.ok(r);
    const dm = await row(`select id from iam_member where organization_id = $1 and user_id = $2`, [org.id, users.dave.userId]);
    await auth.api.updateMemberRole({ body: { memberId: dm.id, role: "auditor", organizationId: org.id! }, headers: a.headers });
    assert.equal((await row(`select role from iam_member where id = $1`, [dm.id])).role, "auditor");
    artefacts.organization = { id: org.id, teamId: org.teamId, ownerId: a.userId, memberId: users.dave.userId };
  });

  test("with advanced.database.joins the emitted relations serve Better Auth's joins", async () => {
    const joined = betterAuth(iam({ ...appOptions, plugins: plugins(), advanced: { database: { joins: true } } }));
    const s: any = await joined.api.getSession({ headers: users.alice.headers });
    assert.equal(s.user.id, users.alice.userId);
    const full: any = await joined.api.getFullOrganization({ query: { organizationId: org.id! }, headers: users.alice.headers });
    const memberEmails = full.members.map((m: any) => m.user.email);
    for (const e of [users.alice.email, users.dave.email, users.gus.email]) assert.ok(memberEmails.includes(e), `${e} is a member`);
    assert.ok(full.invitations.length >= 3);
    const teams: any = await joined.api.listOrganizationTeams({ query: { organizationId: org.id! }, headers: users.alice.headers });
    assert.ok(teams.map((t: any) => t.id).includes(org.teamId), "the team created above (next to the default team)");
  });
});

describe("API keys", () => {
  let key = "";
  let id = "";
  test("create stores the hash, prefix, quota and rate limit", async () => {
    const a = users.alice;
    const k: any = await auth.api.createApiKey({ body: { userId: a.userId, name: "ci", prefix: "iam_", remaining: 2, refillAmount: 5, refillInterval: 3_600_000, rateLimitEnabled: true, rateLimitTimeWindow: 3_600_000, rateLimitMax: 3, permissions: { files: ["read"] } } });
    key = k.key;
    id = k.id;
    assert.match(id, idPattern("iam_apikey"));
    const r = await row(`select * from iam_apikey where id = $1`, [id]);
    assert.equal(r.key, createHash("sha256").update(key).digest("base64url"));
    assert.equal(r.prefix, "iam_");
    assert.equal(r.start, key.slice(0, 6));
    assert.equal(r.reference_id, a.userId);
    assert.equal(r.remaining, 2);
    assert.equal(r.refill_amount, 5);
    assert.equal(r.rate_limit_max, 3);
    artefacts.apiKey = { key, id, userId: a.userId };
  });

  test("verify decrements remaining, counts requests and refuses when the quota is used up", async () => {
    const ok: any = await auth.api.verifyApiKey({ body: { key } });
    assert.equal(ok.valid, true);
    let r = await row(`select remaining, request_count, last_request from iam_apikey where id = $1`, [id]);
    assert.equal(r.remaining, 1);
    assert.equal(r.request_count, 1);
    assert.ok(r.last_request instanceof Date);
    await auth.api.verifyApiKey({ body: { key } });
    const out: any = await auth.api.verifyApiKey({ body: { key } });
    assert.equal(out.valid, false);
    r = await row(`select remaining from iam_apikey where id = $1`, [id]);
    assert.equal(r.remaining, 0);
  });

  test("refill restores the quota after the interval", async () => {
    // Move the last refill back past the interval, as time would. Better Auth refills with a
    // compare-and-swap on last_refill_at read into a JS Date (milliseconds): a value with
    // microseconds (now() in SQL, time.Now() in Go) never compares equal, so writers other
    // than Better Auth must store millisecond precision in this column.
    await rows(`update iam_apikey set last_refill_at = date_trunc('milliseconds', now() - interval '2 hours'), request_count = 0, last_request = null where id = $1`, [id]);
    const old = (await row(`select last_refill_at from iam_apikey where id = $1`, [id])).last_refill_at as Date;
    const ok: any = await auth.api.verifyApiKey({ body: { key } });
    assert.equal(ok.valid, true);
    const r = await row(`select remaining, last_refill_at from iam_apikey where id = $1`, [id]);
    assert.equal(r.remaining, 4);
    assert.ok(r.last_refill_at > old, "last_refill_at moves to the refill");
  });

  test("the rate limit refuses requests over the maximum in the window", async () => {
    await rows(`update iam_apikey set remaining = null, refill_amount = null, refill_interval = null, request_count = 0, last_request = null where id = $1`, [id]);
    for (let i = 0; i < 3; i++) assert.equal(((await auth.api.verifyApiKey({ body: { key } })) as any).valid, true);
    const limited: any = await auth.api.verifyApiKey({ body: { key } });
    assert.equal(limited.valid, false);
    assert.equal(limited.error?.code, "RATE_LIMITED");
    assert.equal((await row(`select request_count from iam_apikey where id = $1`, [id])).request_count, 3);
  });

  test("update and delete change and remove the row", async () => {
    await auth.api.updateApiKey({ body: { keyId: id, userId: users.alice.userId, name: "ci-renamed", enabled: false } });
    const r = await row(`select name, enabled from iam_apikey where id = $1`, [id]);
    assert.deepEqual(r, { name: "ci-renamed", enabled: false });
    const k: any = await auth.api.createApiKey({ body: { name: "temp" }, headers: users.alice.headers });
    await auth.api.deleteApiKey({ body: { keyId: k.id }, headers: users.alice.headers });
    assert.equal((await rows(`select id from iam_apikey where id = $1`, [k.id])).length, 0);
    const g: any = await auth.api.createApiKey({ body: { userId: users.alice.userId, name: "for-go", prefix: "go_" } });
    artefacts.apiKey = { key: g.key, id: g.id, userId: users.alice.userId };
  });
});

describe("two-factor", () => {
  test("enable, TOTP verify and a backup code", async () => {
    const b = users.bob;
    const en: any = await auth.api.enableTwoFactor({ body: { password }, headers: b.headers });
    const tf = await row(`select * from iam_two_factor where user_id = $1`, [b.userId]);
    assert.match(tf.id, idPattern("iam_two_factor"));
    assert.match(tf.secret, /^[0-9a-f]+$/);
    assert.equal(tf.verified, false);
    const secretB32 = new URL(en.totpURI).searchParams.get("secret")!;
    const totpSecret = base32Decode(secretB32);
    const code = await createOTP(totpSecret).totp();
    await auth.api.verifyTOTP({ body: { code }, headers: b.headers });
    assert.equal((await row(`select verified from iam_two_factor where user_id = $1`, [b.userId])).verified, true);
    assert.equal((await row(`select two_factor_enabled from shared_user where id = $1`, [b.userId])).two_factor_enabled, true);

    const si = await auth.api.signInEmail({ body: { email: b.email, password }, returnHeaders: true });
    assert.equal((si.response as any).twoFactorRedirect, true);
    const before = (await row(`select backup_codes from iam_two_factor where user_id = $1`, [b.userId])).backup_codes;
    const used = en.backupCodes[0];
    const v = await auth.api.verifyBackupCode({ body: { code: used }, headers: headersWith(cookieOf(si.headers)), returnHeaders: true });
    assert.ok(cookieOf(v.headers).includes("session_token"));
    const afterCodes = (await row(`select backup_codes from iam_two_factor where user_id = $1`, [b.userId])).backup_codes;
    assert.notEqual(afterCodes, before, "a used backup code is removed and the list re-encrypted");
    const hotp: Record<string, string> = {};
    for (const counter of [0, 1, 59_000_000]) hotp[counter] = await createOTP(totpSecret).hotp(counter);
    artefacts.twoFactor = { userId: b.userId, totpSecret, backupCodes: en.backupCodes.slice(1), usedBackupCode: used, hotp };
  });
});

describe("passkeys", () => {
  test("register with an authenticator, sign in with it, list and delete", async () => {
    const a = users.alice;
    const authn = new SoftAuthenticator("localhost", baseURL);
    const reg = await auth.api.generatePasskeyRegistrationOptions({ headers: a.headers, returnHeaders: true });
    const regCookie = [a.cookie, cookieOf(reg.headers)].join("; ");
    const created: any = await auth.api.verifyPasskeyRegistration({
      body: { response: authn.register((reg.response as any).challenge), name: "laptop" },
      headers: headersWith(regCookie),
    });
    assert.match(created.id, idPattern("iam_passkey"));
    const r = await row(`select user_id, name, credential_id, public_key, transports, counter, device_type, backed_up, aaguid from iam_passkey where id = $1`, [created.id]);
    assert.deepEqual({ ...r, public_key: undefined }, {
      user_id: a.userId, name: "laptop", credential_id: authn.id, public_key: undefined, transports: "internal,hybrid",
      counter: 0, device_type: "singleDevice", backed_up: false, aaguid: "00000000-0000-0000-0000-000000000000",
    });
    assert.match(r.public_key, /^[A-Za-z0-9+/]+=*$/, "standard base64 COSE key");

    const opt = await auth.api.generatePasskeyAuthenticationOptions({ returnHeaders: true });
    const signIn = await auth.api.verifyPasskeyAuthentication({
      body: { response: authn.authenticate((opt.response as any).challenge) },
      headers: headersWith(cookieOf(opt.headers)),
      returnHeaders: true,
    });
    const signedIn = cookieOf(signIn.headers);
    assert.ok(signedIn.includes("session_token"));
    assert.equal((await row(`select counter from iam_passkey where id = $1`, [created.id])).counter, 1);
    const me: any = await auth.api.getSession({ headers: headersWith(signedIn) });
    assert.equal(me.user.id, a.userId);

    const list: any = await auth.api.listPasskeys({ headers: a.headers });
    assert.deepEqual(list.map((p: any) => p.id), [created.id]);
    await auth.api.deletePasskey({ body: { id: created.id }, headers: a.headers });
    assert.equal((await rows(`select id from iam_passkey where id = $1`, [created.id])).length, 0);
  });
});

describe("JWT", () => {
  test("token and JWKS: the key pair is stored in iam_jwks", async () => {
    const t: any = await auth.api.getToken({ headers: users.alice.headers });
    assert.match(t.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const jwks: any = await auth.api.getJwks();
    const stored = await rows(`select id, public_key, private_key, alg from iam_jwks`);
    assert.equal(stored.length, 1);
    assert.match(stored[0].id, idPattern("iam_jwks"));
    assert.equal(jwks.keys[0].kid, stored[0].id);
    assert.equal(JSON.parse(stored[0].public_key).x, jwks.keys[0].x);
    artefacts.jwt = { token: t.token, jwks };
  });
});

describe("device authorization", () => {
  test("code, approve, token", async () => {
    const d: any = await auth.api.deviceCode({ body: { client_id: "tv-app", scope: "openid" } });
    const r = await row(`select id, status, user_code, client_id from iam_device_code where device_code = $1`, [d.device_code]);
    assert.match(r.id, idPattern("iam_device_code"));
    assert.equal(r.status, "pending");
    await auth.api.deviceVerify({ query: { user_code: d.user_code }, headers: users.alice.headers });
    await auth.api.deviceApprove({ body: { userCode: d.user_code }, headers: users.alice.headers });
    const approved = await row(`select status, user_id from iam_device_code where device_code = $1`, [d.device_code]);
    assert.equal(approved.status, "approved");
    assert.equal(approved.user_id, users.alice.userId);
    const tok: any = await auth.api.deviceToken({ body: { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: d.device_code, client_id: "tv-app" } });
    assert.ok(tok.access_token);
    assert.equal((await row(`select user_id from shared_session where token = $1`, [tok.access_token])).user_id, users.alice.userId);
  });
});

describe("SSO", () => {
  test("provider registration writes iam_sso_provider", async () => {
    const pid = "idp-" + stamp;
    await auth.api.registerSSOProvider({
      body: {
        providerId: pid, issuer: "https://idp.example.com", domain: "example.com",
        oidcConfig: {
          clientId: "client", clientSecret: "client-secret", skipDiscovery: true,
          authorizationEndpoint: "https://idp.example.com/authorize", tokenEndpoint: "https://idp.example.com/token",
          jwksEndpoint: "https://idp.example.com/jwks",
        },
      } as any,
      headers: users.alice.headers,
    });
    const r = await row(`select id, issuer, user_id, oidc_config from iam_sso_provider where provider_id = $1`, [pid]);
    assert.match(r.id, idPattern("iam_sso_provider"));
    assert.equal(r.user_id, users.alice.userId);
    assert.equal(JSON.parse(r.oidc_config).clientId, "client");
  });
});

describe("SIWE", () => {
  test("nonce in iam_verification, then a wallet address row", async () => {
    const addr = "0x000000000000000000000000000000000000dEaD";
    const n: any = await auth.api.getSiweNonce({});
    assert.equal(n.nonce, "iamNonce0123456789");
    const ver = await row(`select id from iam_verification where identifier = 'siwe:iamNonce0123456789'`);
    assert.match(ver.id, idPattern("iam_verification"));
    const message = [
      "localhost:3000 wants you to sign in with your Ethereum account:", addr, "", "Sign in to the iam interop suite", "",
      "URI: " + baseURL, "Version: 1", "Chain ID: 1", "Nonce: iamNonce0123456789", "Issued At: " + new Date().toISOString(),
    ].join("\n");
    const res = await auth.handler(new Request(baseURL + "/api/auth/siwe/verify", {
      method: "POST", headers: { "content-type": "application/json", origin: baseURL },
      body: JSON.stringify({ message, signature: "0x" + "ab".repeat(65), email: email("wallet") }),
    }));
    const v: any = await res.json();
    assert.equal(res.status, 200, JSON.stringify(v));
    assert.equal((await rows(`select id from iam_verification where id = $1`, [ver.id])).length, 0, "the nonce is consumed");
    const w = await row(`select id, user_id, address, chain_id, is_primary from iam_wallet_address where user_id = $1`, [v.user.id]);
    assert.equal(w.address, addr);
    assert.match(w.id, idPattern("iam_wallet_address"));
    assert.equal(w.chain_id, 1);
    assert.equal(w.is_primary, true);
  });
});

describe("Stripe", () => {
  test("upgrade writes an incomplete iam_subscription, the webhook activates it (stub client)", async () => {
    const c = users.carol;
    const res: any = await auth.api.upgradeSubscription({ body: { plan: "pro", successUrl: "/ok", cancelUrl: "/no" }, headers: c.headers });
    assert.ok(res.url);
    assert.ok(stripeCalls.includes("checkout.sessions.create"));
    const s = await row(`select id, plan, status, reference_id, stripe_customer_id, seats from iam_subscription where reference_id = $1`, [c.userId]);
    assert.match(s.id, idPattern("iam_subscription"));
    assert.equal(s.plan, "pro");
    assert.equal(s.status, "incomplete");
    assert.match(s.stripe_customer_id, /^cus_test_/);
    assert.equal((await row(`select stripe_customer_id from shared_user where id = $1`, [c.userId])).stripe_customer_id, s.stripe_customer_id);

    // Stripe then calls the webhook: the checkout completed and the subscription is active.
    const event = { type: "checkout.session.completed", data: { object: {
      mode: "subscription", subscription: "sub_test_1", client_reference_id: c.userId,
      metadata: { subscriptionId: s.id, referenceId: c.userId, userId: c.userId },
    } } };
    const hook = await auth.handler(new Request(baseURL + "/api/auth/stripe/webhook", {
      method: "POST", headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=stub" }, body: JSON.stringify(event),
    }));
    assert.equal(hook.status, 200, await hook.text());
    const active = await row(`select status, stripe_subscription_id, period_start, period_end, billing_interval, seats, cancel_at_period_end from iam_subscription where id = $1`, [s.id]);
    assert.deepEqual(active, {
      status: "active", stripe_subscription_id: "sub_test_1",
      period_start: new Date(stripePeriod.current_period_start * 1000), period_end: new Date(stripePeriod.current_period_end * 1000),
      billing_interval: "month", seats: 1, cancel_at_period_end: false,
    });
  });
});

describe("database rate limiter", () => {
  test("requests are counted in iam_rate_limit and refused over the limit", async () => {
    const ip = "203.0.113." + (Date.now() % 200);
    const start = Date.now();
    const call = () => auth.handler(new Request(baseURL + "/api/auth/ok", { headers: { "x-forwarded-for": ip } }));
    assert.equal((await call()).status, 200);
    assert.equal((await call()).status, 200);
    assert.equal((await call()).status, 429);
    const r = await row(`select id, key, count, last_request from iam_rate_limit where key like $1`, [`%${ip}%`]);
    assert.match(r.id, idPattern("iam_rate_limit"));
    assert.equal(r.count, 2);
    assert.ok(Number(r.last_request) >= start, "last_request is epoch milliseconds of the last counted request");
  });
});

if (fixtures) {
  describe("rows Go created", () => {
    test("Go's users sign in with their passwords", async () => {
      for (const u of fixtures.users ?? []) {
        const r: any = await auth.api.signInEmail({ body: { email: u.email, password: u.password } });
        assert.equal(r.user.id, u.id);
      }
    });
    test("Go's organization, owner and invitation are Better Auth's: listed, and the invitation accepted", async () => {
      for (const o of fixtures.organizations ?? []) {
        const owner = await auth.api.signInEmail({ body: { email: o.ownerEmail, password: fixtures.users[0].password }, returnHeaders: true });
        const oh = headersWith(cookieOf(owner.headers));
        const list: any = await auth.api.listOrganizations({ headers: oh });
        assert.deepEqual(list.map((x: any) => x.id), [o.id]);
        const full: any = await auth.api.getFullOrganization({ query: { organizationId: o.id }, headers: oh });
        assert.equal(full.slug, o.slug);
        assert.deepEqual(full.members.map((m: any) => [m.user.email, m.role]), [[o.ownerEmail, "owner"]]);
        assert.deepEqual(full.invitations.map((i: any) => [i.id, i.status]), [[o.invitationId, "pending"]]);
        const invitee = await signUp(o.inviteeEmail, password);
        await auth.api.acceptInvitation({ body: { invitationId: o.invitationId }, headers: headersWith(invitee.cookie) });
        const m = await row(`select role from iam_member where organization_id = $1 and user_id = $2`, [o.id, invitee.userId]);
        assert.equal(m.role, "member");
      }
    });

    test("Go's API keys verify", async () => {
      for (const k of fixtures.apiKeys ?? []) {
        const r: any = await auth.api.verifyApiKey({ body: { key: k.key } });
        assert.equal(r.valid, true, JSON.stringify(r.error));
      }
    });
  });
}

function base32Decode(s: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of s.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out).toString("utf8");
}
