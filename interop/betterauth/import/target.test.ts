// The target side of the import test (interop/import_test.go): Better Auth
// with withIam (test/harness.ts) on the database `iam import better-auth`
// wrote. The fixtures are what import/source.ts recorded while Better Auth
// filled the source on its own schema: the same users sign in with the same
// passwords, old cookies and keys work, second factors and passkeys pass,
// members and roles are intact, and tokens issued before the move are used.
// Not part of the regular suite (test/*.test.ts): it needs the import first.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createOTP } from "@better-auth/utils/otp";
import { betterAuth } from "better-auth";
import { appOptions, artefacts, auth, baseURL, close, cookieOf, fixtures, headersWith, iam, idPattern, plugins, row, rows, writeArtefacts } from "../test/harness.ts";
import { SoftAuthenticator } from "../test/webauthn.ts";

if (!fixtures) throw new Error("IAM_INTEROP_FIXTURES is not set: run this through `go test ./interop/ -run TestImport`");
const src = fixtures;
const u = (name: string) => src.users[name] as { id: string; email: string; cookie: string; token: string };
const newId = async (name: string) => (await row(`select id from shared_user where email = $1`, [u(name).email])).id as string;

after(async () => {
  writeArtefacts();
  await close();
});

test("Better Auth runs on the adapter asked for, with its schema check on", async () => {
  const ctx: any = await auth.$context;
  await ctx.checkSchema(); // throws SchemaMismatchError on any finding
  artefacts.adapter = ctx.adapter.id;
});

test("every user came along with a new typed id", async () => {
  for (const name of Object.keys(src.users)) {
    const id = await newId(name);
    assert.match(id, idPattern("shared_user"));
    assert.notEqual(id, u(name).id);
    artefacts[name] = { id };
  }
});

test("the old session cookie authenticates, with its active organization and team", async () => {
  const s: any = await auth.api.getSession({ headers: headersWith(u("alice").cookie) });
  assert.ok(s, "the imported session is found by its token");
  assert.equal(s.user.email, "alice@example.com");
  assert.equal(s.user.id, (artefacts.alice as any).id);
  const org = await row(`select id from shared_organization where slug = $1`, [src.org.slug]);
  assert.equal(s.session.activeOrganizationId, org.id);
  const team = await row(`select id from shared_team where organization_id = $1 and name = 'Platform'`, [org.id]);
  assert.equal(s.session.activeTeamId, team.id);
  (artefacts.alice as any).orgId = org.id;
});

test("the session whose active team Better Auth had removed authenticates, without that team", async () => {
  const s: any = await auth.api.getSession({ headers: headersWith(u("dave").cookie) });
  assert.equal(s.user.id, (artefacts.dave as any).id);
  assert.equal(s.session.activeOrganizationId, (artefacts.alice as any).orgId);
  assert.equal(s.session.activeTeamId ?? null, null, "the dangling team reference was cleared");
});

test("the phone number, the anonymous user and the pending e-mail OTP came along", async () => {
  const p: any = await auth.api.signInPhoneNumber({ body: { phoneNumber: src.phone, password: src.password } });
  assert.equal(p.user.id, (artefacts.root as any).id);
  const a: any = await auth.api.getSession({ headers: headersWith(src.anonymous.cookie) });
  assert.equal(a.user.isAnonymous, true);
  assert.match(a.user.id, idPattern("shared_user"));
  assert.notEqual(a.user.id, src.anonymous.id);
  const o: any = await auth.api.signInEmailOTP({ body: { email: "erin@example.com", otp: src.emailOTP } });
  assert.match(o.user.id, idPattern("shared_user"), "the OTP sent before the move signs erin up");
});

test("the same users sign in with the same passwords; the banned one stays banned", async () => {
  for (const name of ["alice", "root", "dave"]) {
    const r: any = await auth.api.signInEmail({ body: { email: u(name).email, password: src.password } });
    assert.equal(r.user.id, (artefacts[name] as any).id, name);
  }
  const byName: any = await auth.api.signInUsername({ body: { username: "alice", password: src.password } });
  assert.equal(byName.user.id, (artefacts.alice as any).id, "username sign-in");
  await assert.rejects(auth.api.signInEmail({ body: { email: "alice@example.com", password: "wrong password" } }));
  await assert.rejects(auth.api.signInEmail({ body: { email: u("mallory").email, password: src.password } }), /banned/i);
});

test("the old API key verifies and counts down from where it was; the used-up one came along at 0", async () => {
  const v: any = await auth.api.verifyApiKey({ body: { key: src.apiKey.key } });
  assert.equal(v.valid, true, JSON.stringify(v.error));
  assert.equal(v.key.remaining, src.apiKey.remaining - 1);
  assert.equal(v.key.referenceId, (artefacts.alice as any).id);
  assert.match(v.key.id, idPattern("iam_apikey"));
  artefacts.apiKey = { id: v.key.id };
  // Verifying it would make Better Auth delete it (used up); Go refuses it (interop/import_test.go).
  const spent = await row(`select remaining, reference_id from iam_apikey where id <> $1`, [v.key.id]);
  assert.deepEqual(spent, { remaining: 0, reference_id: (artefacts.dave as any).id });
});

test("a TOTP code from the old secret, and an old backup code, pass the second factor", async () => {
  const signIn = async () => {
    const si = await auth.api.signInEmail({ body: { email: u("bob").email, password: src.password }, returnHeaders: true });
    assert.equal((si.response as any).twoFactorRedirect, true, "bob's second factor came along");
    return headersWith(cookieOf(si.headers));
  };
  const code = await createOTP(src.twoFactor.totpSecret).totp();
  const v = await auth.api.verifyTOTP({ body: { code }, headers: await signIn(), returnHeaders: true });
  assert.equal((v.response as any).user.id, (artefacts.bob as any).id);
  assert.ok(cookieOf(v.headers).includes("session_token"));
  const b = await auth.api.verifyBackupCode({ body: { code: src.twoFactor.backupCodes[0] }, headers: await signIn(), returnHeaders: true });
  assert.equal((b.response as any).user.id, (artefacts.bob as any).id);
});

test("documented: a device trusted for the second factor before the move is asked again (the cookie signs the old user id)", async () => {
  const si = await auth.api.signInEmail({ body: { email: u("bob").email, password: src.password }, headers: headersWith(src.trustCookie), returnHeaders: true });
  assert.equal((si.response as any).twoFactorRedirect, true);
});

test("documented: with the cookie cache on, an old session_data cookie carries the old ids until the cache version changes", async () => {
  const cachedApp = (version?: string) => betterAuth(iam({ ...appOptions, plugins: plugins(), session: { cookieCache: { enabled: true, ...(version ? { version } : {}) } } }));
  const stale: any = await cachedApp().api.getSession({ headers: headersWith(src.cachedCookie) });
  assert.equal(stale.user.id, u("alice").id, "the same cache version serves the signed old user id without a database lookup");
  const fresh: any = await cachedApp("2").api.getSession({ headers: headersWith(src.cachedCookie) });
  assert.equal(fresh.user.id, (artefacts.alice as any).id, "a new cookieCache.version makes Better Auth read the imported session");
});

test("the passkey registered before the move signs in", async () => {
  const authn = new SoftAuthenticator("localhost", baseURL, src.passkey.authenticator);
  const opt = await auth.api.generatePasskeyAuthenticationOptions({ returnHeaders: true });
  const signIn = await auth.api.verifyPasskeyAuthentication({
    body: { response: authn.authenticate((opt.response as any).challenge) },
    headers: headersWith(cookieOf(opt.headers)),
    returnHeaders: true,
  });
  const me: any = await auth.api.getSession({ headers: headersWith(cookieOf(signIn.headers)) });
  assert.equal(me.user.id, (artefacts.alice as any).id);
});

test("the impersonation session still names its administrator", async () => {
  const s: any = await auth.api.getSession({ headers: headersWith(src.impersonation.cookie) });
  assert.equal(s.user.id, (artefacts.dave as any).id);
  assert.equal(s.session.impersonatedBy, (artefacts.root as any).id);
});

test("members, roles, team members, the custom role and the multi-team invitation are intact", async () => {
  const orgId = (artefacts.alice as any).orgId;
  const m: any = await auth.api.listMembers({ query: { organizationId: orgId }, headers: headersWith(u("alice").cookie) });
  const roles = Object.fromEntries(m.members.map((x: any) => [x.user.email, x.role]));
  assert.deepEqual(roles, { "alice@example.com": "owner", "bob@example.com": "auditor", "dave@example.com": "admin" });
  const r = await row(`select permission from iam_organization_role where organization_id = $1 and role = 'auditor'`, [orgId]);
  assert.deepEqual(JSON.parse(r.permission), { organization: ["update"], member: ["create"] });
  const tm = await rows(`select t.name, u.email from iam_team_member m join shared_team t on t.id = m.team_id join shared_user u on u.id = m.user_id order by 1, 2`);
  assert.deepEqual(tm.map((x) => `${x.name}:${x.email}`).filter((x) => !x.startsWith("Acme")), ["Data:bob@example.com", "Platform:alice@example.com"]);
  const inv: any = await auth.api.listInvitations({ query: { organizationId: orgId }, headers: headersWith(u("alice").cookie) });
  assert.equal(inv.length, 1);
  assert.equal(inv[0].email, "carol@example.com");
  const teams = await rows(`select id from shared_team where organization_id = $1 and name in ('Platform', 'Data')`, [orgId]);
  assert.deepEqual(inv[0].teamId.split(",").sort(), teams.map((t) => t.id).sort());
});

test("the JWKS key pair came along: the same public key is served", async () => {
  const jwks: any = await auth.api.getJwks();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].x, src.jwt.jwks.keys[0].x, "the same key material");
  assert.match(jwks.keys[0].kid, idPattern("iam_jwks"), "the kid is the row's new id (tokens signed before the move name the old one)");
  const oldKid = JSON.parse(Buffer.from(src.jwt.token.split(".")[0], "base64url").toString()).kid;
  assert.equal(oldKid, src.jwt.jwks.keys[0].kid);
  assert.notEqual(jwks.keys[0].kid, oldKid, "documented (docs/betterauth.md step 6): a JWT signed before the move names a kid no longer served");
  const t: any = await auth.api.getToken({ headers: headersWith(u("alice").cookie) });
  assert.equal(JSON.parse(Buffer.from(t.token.split(".")[0], "base64url").toString()).kid, jwks.keys[0].kid, "a new token is signed with the imported key");
});

test("the device code issued before the move is approved and exchanged", async () => {
  const alice = headersWith(u("alice").cookie);
  await auth.api.deviceVerify({ query: { user_code: src.device.userCode }, headers: alice });
  await auth.api.deviceApprove({ body: { userCode: src.device.userCode }, headers: alice });
  const tok: any = await auth.api.deviceToken({ body: { grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: src.device.deviceCode, client_id: "tv-app" } });
  assert.equal((await row(`select user_id from shared_session where token = $1`, [tok.access_token])).user_id, (artefacts.alice as any).id);
});

test("the SSO provider belongs to the same user and organization", async () => {
  const p = await row(`select user_id, organization_id, oidc_config from iam_sso_provider where provider_id = 'acme-idp'`);
  assert.equal(p.user_id, (artefacts.alice as any).id);
  assert.equal(p.organization_id, (artefacts.alice as any).orgId);
  assert.equal(JSON.parse(p.oidc_config).clientSecret, "client-secret");
});

test("the wallet signs in again as the same user", async () => {
  await auth.api.getSiweNonce({});
  const message = [
    "localhost:3000 wants you to sign in with your Ethereum account:", src.siwe.wallet, "", "Sign in to the iam interop suite", "",
    "URI: " + baseURL, "Version: 1", "Chain ID: 1", "Nonce: iamNonce0123456789", "Issued At: " + new Date().toISOString(),
  ].join("\n");
  const res = await auth.handler(new Request(baseURL + "/api/auth/siwe/verify", {
    method: "POST", headers: { "content-type": "application/json", origin: baseURL },
    body: JSON.stringify({ message, signature: "0x" + "ab".repeat(65) }),
  }));
  const v: any = await res.json();
  assert.equal(res.status, 200, JSON.stringify(v));
  const w = await row(`select user_id from iam_wallet_address where address = $1`, [src.siwe.wallet]);
  assert.equal(v.user.id, w.user_id);
  assert.notEqual(v.user.id, src.siwe.userId);
});

test("the active subscription belongs to the same user", async () => {
  const subs: any = await auth.api.listActiveSubscriptions({ headers: headersWith(u("dave").cookie) });
  assert.deepEqual(subs.map((s: any) => [s.plan, s.status, s.referenceId]), [["pro", "active", (artefacts.dave as any).id]]);
});

test("the rate limit counted before the move still applies", async () => {
  const r = await auth.handler(new Request(baseURL + "/api/auth/ok", { headers: { "x-forwarded-for": src.rateLimit.ip } }));
  assert.equal(r.status, 429, "two of two calls were used before the import");
});

test("a password reset requested before the move completes", async () => {
  await auth.api.resetPassword({ body: { token: src.resetToken, newPassword: "a new password after the move" } });
  const r: any = await auth.api.signInEmail({ body: { email: u("dave").email, password: "a new password after the move" } });
  assert.equal(r.user.id, (artefacts.dave as any).id);
});
