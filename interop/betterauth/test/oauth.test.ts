// Better Auth 1.7 as an OAuth 2.1 / OpenID Connect authorization server
// (@better-auth/oauth-provider + jwt) and a SCIM 2.0 endpoint (@better-auth/scim)
// on the iam schema. Every flow goes over real HTTP to a node:http listener, the
// way a client, a resource server or a directory (Okta, Entra) talks to it; every
// step reads the rows back from PostgreSQL.
//
// Environment (set by interop/oauth_test.go):
//   IAM_DATABASE_URL        a freshly migrated iam database (as a login whose sessions run as iam_auth)
//   IAM_INTEROP_ARTEFACTS   where to write what the scenarios produced (optional)
//   IAM_INTEROP_HANDSHAKE   a directory for the steps Go takes in the middle of the run (optional):
//                           Node writes <step>.json and waits for Go's <step>.ack
//   IAM_INTEROP_SCHEMA      "better-auth": run on Better Auth's own schema (getMigrations on an
//                           empty database) instead of withIam, to tell our schema's findings
//                           from the flows' own (development aid; the Go test never sets it)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";
import { getMigrations } from "better-auth/db/migration";
import { oauthProvider } from "@better-auth/oauth-provider";
import { scim } from "@better-auth/scim";
import { runSCIMLifecycle } from "@better-auth/test-utils/scim";
import { getTableColumns, getTableName } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { schema, withIam } from "../iam.ts";
import { versions } from "./versions.ts";

const url = process.env.IAM_DATABASE_URL;
if (!url) throw new Error("IAM_DATABASE_URL is not set: run this suite through `go test ./interop/ -run OAuth` (it migrates a fresh database)");
const ownSchema = process.env.IAM_INTEROP_SCHEMA === "better-auth";

const secret = "iam-interop-oauth-secret-0123456789abcdef";
const password = "correct horse battery staple";
const resource = "https://api.example.com";
const redirectURI = "https://rp.example.com/callback";
const postLogoutURI = "https://rp.example.com/signed-out";
const scimToken = "scim-" + randomBytes(24).toString("base64url");
const stamp = Date.now().toString(36);

const pool = new pg.Pool({ connectionString: url, max: 4, options: "-c TimeZone=Asia/Kolkata" });
const reader = new pg.Pool({ connectionString: url, max: 2 });

// ---- SQL names: the same queries on our schema (Drizzle names) and on Better Auth's own ----

const models: Record<string, any> = schema as any;
function tableOf(model: string): string {
  if (ownSchema) return `"${model}"`;
  const t = models[model];
  if (!t) throw new Error(`the emitted schema has no model ${model} (oauthschema: add it to iam.ts)`);
  return `"${getTableName(t)}"`;
}
function columnOf(model: string, field: string): string {
  if (ownSchema) return `"${field}"`;
  const c: any = (getTableColumns(models[model]) as any)[field];
  if (!c) throw new Error(`the emitted schema has no field ${model}.${field}`);
  return `"${c.name}"`;
}
/** sql rewrites {model} and {model.field} into the SQL names of the schema under test. */
function sql(text: string): string {
  return text.replace(/\{(\w+)(?:\.(\w+))?\}/g, (_, m, f) => (f ? columnOf(m, f) : tableOf(m)));
}
async function rows<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await reader.query(sql(text), params)).rows as T[];
}
async function row<T = any>(text: string, params: unknown[] = []): Promise<T> {
  const r = await rows<T>(text, params);
  if (r.length !== 1) throw new Error(`expected one row, got ${r.length}: ${sql(text)} ${JSON.stringify(params)}`);
  return r[0];
}
/** idOf checks an id Better Auth generated: <table>__<uuidv7> on our schema. */
function assertID(model: string, id: string) {
  if (ownSchema) return assert.ok(id);
  const table = getTableName(models[model]);
  assert.match(id, new RegExp(`^${table}__[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), `${model} id`);
}
/** arr reads a string[] column: jsonb on our schema, JSON text on Better Auth's Kysely schema. */
function arr(v: unknown): string[] {
  if (typeof v === "string") return JSON.parse(v);
  return v as string[];
}
const hashToken = (t: string) => createHash("sha256").update(t).digest("base64url");

// ---- the server: Better Auth behind a real HTTP listener ----

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const api = baseURL + "/api/auth";

/** scimProjection lets the lifecycle prove a failed Group mutation rolls back (its projectionFailure hook). */
let failProjection = false;
const plugins = [
  jwt(),
  oauthProvider({
    loginPage: "/sign-in",
    consentPage: "/consent",
    allowDynamicClientRegistration: true,
    resources: [resource],
    clientRegistrationDefaultResources: [resource],
    scopes: ["openid", "profile", "email", "offline_access", "read", "write"],
    // The test app's policy: any signed-in user manages clients; machine scopes only the operator (alice).
    clientPrivileges: async ({ action, user }) => action !== "configure-client-credentials-scopes" || !!user?.email?.startsWith("alice."),
  }),
  scim({
    connections: [{ id: "interop-directory", credentials: [{ type: "bearer", id: "interop-primary", token: scimToken }] }],
    projection: {
      roles: {
        map: ({ source }) => (source.externalId?.endsWith("-finance-admins") ? ["finance-admin"] : []),
        exists: ({ role }) => role === "finance-admin",
      },
      async reconcileUser(state) {
        if (failProjection && state.grants.length > 0) throw new Error("injected projection failure");
      },
    },
  }),
];
const options: any = {
  secret,
  baseURL,
  telemetry: { enabled: false },
  emailAndPassword: { enabled: true },
  plugins,
};

let auth: any;
if (ownSchema) {
  auth = betterAuth({ ...options, database: pool, advanced: { database: { generateId: () => crypto.randomUUID() } } });
  await (await getMigrations(auth.options)).runMigrations();
} else {
  auth = betterAuth(withIam(options, drizzle(pool, { schema })));
}
server.on("request", toNodeHandler(auth.handler));

// ---- HTTP helpers ----

function cookieOf(h: Headers): string {
  return h.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}
const basic = (id: string, sec: string) => "Basic " + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(sec)}`).toString("base64");

async function postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(api + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
  const text = await res.text();
  let body: any = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: res.status, body, headers: res.headers };
}
async function postJSON(path: string, json: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(api + path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: baseURL, ...headers },
    body: JSON.stringify(json),
    redirect: "manual",
  });
  const text = await res.text();
  let body: any = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: res.status, body, headers: res.headers };
}
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(api + path, { headers: { accept: "application/json", ...headers }, redirect: "manual" });
  const text = await res.text();
  let body: any = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  return { status: res.status, body, headers: res.headers };
}
function decodeJWT(t: string): { header: any; payload: any } {
  const [h, p] = t.split(".");
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()), payload: JSON.parse(Buffer.from(p, "base64url").toString()) };
}

// ---- the handshake with the Go test ----

const handshakeDir = process.env.IAM_INTEROP_HANDSHAKE;
/**
 * handshake hands data to the Go test and waits for its answer (Go verifies the
 * tokens at that point of the run). Without IAM_INTEROP_HANDSHAKE (a standalone
 * run) there is nobody to ask and it returns null.
 */
async function handshake(step: string, data: unknown): Promise<any> {
  if (!handshakeDir) return null;
  writeFileSync(join(handshakeDir, step + ".json.tmp"), JSON.stringify(data));
  renameSync(join(handshakeDir, step + ".json.tmp"), join(handshakeDir, step + ".json")); // Go sees it complete
  const ack = join(handshakeDir, step + ".ack");
  // A guard against a Go side that died; no assertion depends on the time.
  for (let i = 0; i < 6000 && !existsSync(ack); i++) await sleep(50);
  assert.ok(existsSync(ack), `the Go test did not answer step ${step}`);
  return JSON.parse(readFileSync(ack, "utf8") || "null");
}

/** issuer is Better Auth's base URL with its base path: the JWT iss and the RFC 9207 iss. */
const issuer = api;
const artefacts: Record<string, any> = {
  baseURL, issuer, resource, secret,
  versions: versions(["better-auth", "@better-auth/core", "@better-auth/oauth-provider", "@better-auth/scim", "@better-auth/test-utils"]),
};

// ---- the scenarios ----

type Person = { userId: string; cookie: string; email: string };
async function signUp(name: string): Promise<Person> {
  const e = `${name}.${stamp}@example.com`;
  const r = await auth.api.signUpEmail({ body: { email: e, password, name }, returnHeaders: true });
  return { userId: (r.response as any).user.id, cookie: cookieOf(r.headers), email: e };
}

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

before(async () => {
  const ctx: any = await auth.$context;
  assert.ok(ctx.checkSchema, "Better Auth's runtime schema check must be on");
  await ctx.checkSchema(); // throws SchemaMismatchError on any finding
});

after(async () => {
  const out = process.env.IAM_INTEROP_ARTEFACTS;
  if (out) writeFileSync(out, JSON.stringify(artefacts, null, 2));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await pool.end();
  await reader.end();
});

describe("OAuth provider", () => {
  let alice: Person;
  const web: { id?: string; secret?: string; rowId?: string } = {};
  const m2m: { id?: string; secret?: string } = {};
  const tokens: Record<string, any> = {};

  /** authorize runs GET /oauth2/authorize as alice's browser; returns the redirect Location. */
  async function authorize(params: Record<string, string>) {
    const q = new URLSearchParams({
      response_type: "code", client_id: web.id!, redirect_uri: redirectURI, state: "st-" + randomBytes(6).toString("hex"), ...params,
    });
    const r = await get("/oauth2/authorize?" + q, { cookie: alice.cookie });
    assert.ok(r.status === 302 || (r.status === 200 && r.body?.url), `authorize answered ${r.status} ${JSON.stringify(r.body)}`);
    return new URL(r.status === 302 ? r.headers.get("location")! : r.body.url, baseURL);
  }
  async function exchange(code: string, verifier: string, extra: Record<string, string> = {}) {
    return postForm("/oauth2/token", { grant_type: "authorization_code", code, redirect_uri: redirectURI, code_verifier: verifier, ...extra }, {
      authorization: basic(web.id!, web.secret!),
    });
  }

  test("dynamic client registration (RFC 7591) writes an oauthClient row owned by the user", async () => {
    alice = await signUp("alice");
    const r = await postJSON("/oauth2/register", {
      client_name: "interop web app",
      redirect_uris: [redirectURI],
      post_logout_redirect_uris: [postLogoutURI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      scope: "openid profile email offline_access read",
    }, { cookie: alice.cookie });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.ok(r.body.client_id && r.body.client_secret);
    web.id = r.body.client_id;
    web.secret = r.body.client_secret;
    const c = await row(`select {oauthClient.id} as id, {oauthClient.clientSecret} as secret, {oauthClient.redirectUris} as redirect_uris,
        {oauthClient.userId} as user_id, {oauthClient.name} as name, {oauthClient.grantTypes} as grant_types, {oauthClient.disabled} as disabled
      from {oauthClient} where {oauthClient.clientId} = $1`, [web.id]);
    assertID("oauthClient", c.id);
    web.rowId = c.id;
    assert.equal(c.user_id, alice.userId);
    assert.equal(c.name, "interop web app");
    assert.deepEqual(arr(c.redirect_uris), [redirectURI]);
    assert.deepEqual(arr(c.grant_types), ["authorization_code", "refresh_token"]);
    assert.notEqual(c.secret, web.secret, "the client secret is not stored in the clear");
    assert.ok(!c.disabled);
    // The client is linked to the default resource (clientRegistrationDefaultResources).
    const links = await rows(`select r.{oauthResource.identifier} as identifier from {oauthClientResource} l
        join {oauthResource} r on r.{oauthResource.identifier} = l.{oauthClientResource.resourceId} where l.{oauthClientResource.clientId} = $1`, [web.id]);
    assert.deepEqual(links.map((l) => l.identifier), [resource]);
    // RP-initiated logout needs enable_end_session, a server-side setting: the operator's admin update.
    await auth.api.adminUpdateOAuthClient({ body: { client_id: web.id, update: { enable_end_session: true } }, headers: new Headers({ cookie: alice.cookie }) });
    assert.equal((await row(`select {oauthClient.enableEndSession} as e from {oauthClient} where {oauthClient.clientId} = $1`, [web.id])).e, true);
  });

  test("authorization code + PKCE: consent page, consent row, code, tokens (JWT for the resource)", async () => {
    const p = pkce();
    const consentURL = await authorize({ scope: "openid profile email offline_access read", code_challenge: p.challenge, code_challenge_method: "S256", resource, nonce: "n-" + stamp });
    assert.equal(consentURL.pathname, "/consent", "first authorization asks for consent");
    assert.equal((await rows(`select 1 from {oauthConsent} where {oauthConsent.clientId} = $1`, [web.id])).length, 0);
    const consent = await postJSON("/oauth2/consent", { accept: true, oauth_query: consentURL.search.slice(1) }, { cookie: alice.cookie });
    assert.equal(consent.status, 200, JSON.stringify(consent.body));
    const back = new URL(consent.body.url);
    assert.equal(back.origin + back.pathname, redirectURI);
    const code = back.searchParams.get("code")!;
    assert.ok(code);
    assert.equal(back.searchParams.get("iss"), issuer, "RFC 9207 iss");

    const cs = await row(`select {oauthConsent.id} as id, {oauthConsent.userId} as user_id, {oauthConsent.scopes} as scopes from {oauthConsent} where {oauthConsent.clientId} = $1`, [web.id]);
    assertID("oauthConsent", cs.id);
    assert.equal(cs.user_id, alice.userId);
    assert.deepEqual(arr(cs.scopes).sort(), ["email", "offline_access", "openid", "profile", "read"]);

    // A wrong verifier is refused (PKCE), and the code is then spent.
    const wrong = await exchange(code, pkce().verifier);
    assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    assert.equal(wrong.body.error_description, "code verification failed");

    // A new authorization skips the consent page (the consent row answers) and the code works.
    const p2 = pkce();
    const direct = await authorize({ scope: "openid profile email offline_access read", code_challenge: p2.challenge, code_challenge_method: "S256", resource, nonce: "n2-" + stamp });
    assert.equal(direct.origin + direct.pathname, redirectURI, "consent given once is remembered");
    const t = await exchange(direct.searchParams.get("code")!, p2.verifier, { resource });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.match(t.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT access token for the resource");
    const at = decodeJWT(t.body.access_token);
    assert.equal(at.header.typ, "at+jwt");
    assert.equal(at.payload.sub, alice.userId);
    assert.deepEqual(at.payload.aud, [resource, api + "/oauth2/userinfo"], "the resource and, with openid, the userinfo endpoint");
    assert.equal(at.payload.client_id, web.id);
    assert.equal(at.payload.iss, issuer);
    assert.ok(at.payload.sid, "the access token names the session");
    assert.ok(t.body.refresh_token);
    assert.ok(t.body.id_token);
    const id = decodeJWT(t.body.id_token);
    assert.equal(id.payload.sub, alice.userId);
    assert.equal(id.payload.nonce, "n2-" + stamp);
    assert.equal(id.payload.aud, web.id);
    // the signing key is the jwt plugin's, in the jwks table
    const key = await row(`select {jwks.id} as id from {jwks} where {jwks.id} = $1`, [at.header.kid]);
    assertID("jwks", key.id);
    const rt = await row(`select {oauthRefreshToken.id} as id, {oauthRefreshToken.clientId} as client_id, {oauthRefreshToken.userId} as user_id,
        {oauthRefreshToken.sessionId} as session_id, {oauthRefreshToken.scopes} as scopes, {oauthRefreshToken.revoked} as revoked
      from {oauthRefreshToken} where {oauthRefreshToken.token} = $1`, [hashToken(t.body.refresh_token)]);
    assertID("oauthRefreshToken", rt.id);
    assert.equal(rt.client_id, web.id);
    assert.equal(rt.user_id, alice.userId);
    assert.equal(rt.session_id, at.payload.sid);
    assert.equal(rt.revoked, null);
    assert.equal((await row(`select {session.id} as id from {session} where {session.id} = $1`, [at.payload.sid])).id, at.payload.sid);
    tokens.jwt = t.body;
    tokens.sessionId = at.payload.sid;
  });

  test("an opaque access token (no resource) is stored hashed in oauthAccessToken", async () => {
    const p = pkce();
    const back = await authorize({ scope: "openid profile email offline_access read", code_challenge: p.challenge, code_challenge_method: "S256" });
    const t = await exchange(back.searchParams.get("code")!, p.verifier);
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.doesNotMatch(t.body.access_token, /\./, "opaque");
    const a = await row(`select {oauthAccessToken.id} as id, {oauthAccessToken.clientId} as client_id, {oauthAccessToken.userId} as user_id,
        {oauthAccessToken.sessionId} as session_id, {oauthAccessToken.scopes} as scopes, {oauthAccessToken.expiresAt} as expires_at,
        {oauthAccessToken.refreshId} as refresh_id, {oauthAccessToken.revoked} as revoked
      from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [hashToken(t.body.access_token)]);
    assertID("oauthAccessToken", a.id);
    assert.equal(a.client_id, web.id);
    assert.equal(a.user_id, alice.userId);
    assert.ok(a.session_id);
    assert.deepEqual(arr(a.scopes).sort(), ["email", "offline_access", "openid", "profile", "read"]);
    assert.ok(a.expires_at instanceof Date && a.expires_at > new Date());
    assert.equal(a.revoked, null);
    assert.equal((await rows(`select 1 from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [t.body.access_token])).length, 0, "never in the clear");
    const rt = await row(`select {oauthRefreshToken.id} as id from {oauthRefreshToken} where {oauthRefreshToken.token} = $1`, [hashToken(t.body.refresh_token)]);
    assert.equal(a.refresh_id, rt.id, "the access token points at its refresh token");
    tokens.opaque = t.body;
  });

  test("refresh rotates the refresh token; replaying the old one is refused and ends the family", async () => {
    const p = pkce();
    const back = await authorize({ scope: "openid offline_access read", code_challenge: p.challenge, code_challenge_method: "S256" });
    const first = await exchange(back.searchParams.get("code")!, p.verifier);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const r1 = first.body.refresh_token;
    const refresh = (rt: string) => postForm("/oauth2/token", { grant_type: "refresh_token", refresh_token: rt }, { authorization: basic(web.id!, web.secret!) });
    const second = await refresh(r1);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const r2 = second.body.refresh_token;
    assert.ok(r2 && r2 !== r1, "a new refresh token");
    assert.notEqual(second.body.access_token, first.body.access_token);
    const old = await row(`select {oauthRefreshToken.id} as id, {oauthRefreshToken.revoked} as revoked from {oauthRefreshToken} where {oauthRefreshToken.token} = $1`, [hashToken(r1)]);
    assert.ok(old.revoked instanceof Date, "the rotated token is marked revoked, not deleted");
    const next = await row(`select {oauthRefreshToken.revoked} as revoked from {oauthRefreshToken} where {oauthRefreshToken.token} = $1`, [hashToken(r2)]);
    assert.equal(next.revoked, null);

    const replay = await refresh(r1);
    assert.equal(replay.status, 400, JSON.stringify(replay.body));
    assert.equal(replay.body.error, "invalid_grant");
    // RFC 9700 §4.14: the replay tears down the whole family, also the current token.
    const after = await refresh(r2);
    assert.equal(after.status, 400, "the newest refresh token of a replayed family is refused too");
    assert.equal((await rows(`select 1 from {oauthRefreshToken} where {oauthRefreshToken.token} = any($1)`, [[hashToken(r1), hashToken(r2)]])).length, 0);
    assert.equal((await rows(`select 1 from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [hashToken(second.body.access_token)])).length, 0,
      "the family's access tokens go with it");
    // The family teardown is per client and user: the tokens of the earlier tests are gone as well; issue them again.
    tokens.jwt = undefined;
    tokens.opaque = undefined;
  });

  test("client credentials: a registered machine client gets a token without a user", async () => {
    const reg = await postJSON("/oauth2/register", {
      client_name: "interop machine", grant_types: ["client_credentials"], response_types: [], token_endpoint_auth_method: "client_secret_post",
      scope: "read write",
    }, { cookie: alice.cookie });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    m2m.id = reg.body.client_id;
    m2m.secret = reg.body.client_secret;
    // Which scopes a machine may ask for is the operator's decision (a server-only admin update).
    await auth.api.adminUpdateOAuthClient({ body: { client_id: m2m.id, update: { client_credentials_scopes: ["read", "write"] } }, headers: new Headers({ cookie: alice.cookie }) });
    const cc = await row(`select {oauthClient.clientCredentialsScopes} as s, {oauthClient.userId} as user_id from {oauthClient} where {oauthClient.clientId} = $1`, [m2m.id]);
    assert.deepEqual(arr(cc.s), ["read", "write"]);
    assert.equal(cc.user_id, alice.userId);
    const opaque = await postForm("/oauth2/token", { grant_type: "client_credentials", client_id: m2m.id!, client_secret: m2m.secret!, scope: "read" });
    assert.equal(opaque.status, 200, JSON.stringify(opaque.body));
    assert.equal(opaque.body.refresh_token, undefined);
    const a = await row(`select {oauthAccessToken.clientId} as client_id, {oauthAccessToken.userId} as user_id, {oauthAccessToken.sessionId} as session_id, {oauthAccessToken.scopes} as scopes
      from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [hashToken(opaque.body.access_token)]);
    assert.deepEqual({ ...a, scopes: arr(a.scopes) }, { client_id: m2m.id, user_id: null, session_id: null, scopes: ["read"] });
    const asJWT = await postForm("/oauth2/token", { grant_type: "client_credentials", client_id: m2m.id!, client_secret: m2m.secret!, scope: "read write", resource });
    assert.equal(asJWT.status, 200, JSON.stringify(asJWT.body));
    const p = decodeJWT(asJWT.body.access_token).payload;
    assert.equal(p.sub, m2m.id);
    assert.equal(p.aud, resource);
    assert.equal(p.scope, "read write");
    const bad = await postForm("/oauth2/token", { grant_type: "client_credentials", client_id: m2m.id!, client_secret: "not the secret", scope: "read" });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.error, "invalid_client");
    tokens.m2m = { opaque: opaque.body.access_token, jwt: asJWT.body.access_token };
  });

  test("userinfo, introspection (RFC 7662) and the tokens Go verifies", async () => {
    // fresh tokens after the family teardown: one JWT, one opaque, on alice's browser session
    const issue = async (extra: Record<string, string>, tokenExtra: Record<string, string> = {}) => {
      const p = pkce();
      const back = await authorize({ scope: "openid profile email offline_access read", code_challenge: p.challenge, code_challenge_method: "S256", nonce: "n-" + randomBytes(4).toString("hex"), ...extra });
      const t = await exchange(back.searchParams.get("code")!, p.verifier, tokenExtra);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      return t.body;
    };
    tokens.jwt = await issue({ resource }, { resource });
    tokens.opaque = await issue({});
    tokens.opaqueRevoked = await issue({});

    for (const at of [tokens.jwt.access_token, tokens.opaque.access_token]) {
      const u = await get("/oauth2/userinfo", { authorization: "Bearer " + at });
      assert.equal(u.status, 200, JSON.stringify(u.body));
      assert.equal(u.body.sub, alice.userId);
      assert.equal(u.body.email, alice.email);
    }
    const introspect = (token: string) => postForm("/oauth2/introspect", { token }, { authorization: basic(web.id!, web.secret!) });
    for (const [name, at] of [["jwt", tokens.jwt.access_token], ["opaque", tokens.opaque.access_token]]) {
      const i = await introspect(at);
      assert.equal(i.status, 200, JSON.stringify(i.body));
      assert.equal(i.body.active, true, name);
      assert.equal(i.body.client_id, web.id, name);
      assert.equal(i.body.sub, alice.userId, name);
      assert.ok(i.body.scope.split(" ").includes("read"), name);
    }
    assert.equal((await introspect("not-a-token")).body.active, false);

    artefacts.oauth = {
      userId: alice.userId, clientId: web.id, clientRowId: web.rowId, sessionId: decodeJWT(tokens.jwt.access_token).payload.sid,
      machineClientId: m2m.id,
    };
    // Go: accepts the JWT and opaque tokens Node issued (oauthverify), over the same database.
    const answer = await handshake("issued", {
      jwt: tokens.jwt.access_token, opaque: tokens.opaque.access_token, opaqueRevoked: tokens.opaqueRevoked.access_token,
      m2mOpaque: tokens.m2m.opaque, m2mJWT: tokens.m2m.jwt,
      ...artefacts.oauth, issuer, resource,
    });
    if (answer) assert.equal(answer.accepted, true, JSON.stringify(answer));
  });

  test("revocation (RFC 7009) deletes the opaque access token; introspection then says inactive", async () => {
    const t = tokens.opaqueRevoked.access_token;
    const r = await postForm("/oauth2/revoke", { token: t, token_type_hint: "access_token" }, { authorization: basic(web.id!, web.secret!) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await rows(`select 1 from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [hashToken(t)])).length, 0);
    const i = await postForm("/oauth2/introspect", { token: t }, { authorization: basic(web.id!, web.secret!) });
    assert.equal(i.body.active, false);
  });

  test("end session (RP-initiated logout) deletes the session and revokes its tokens", async () => {
    const sid = decodeJWT(tokens.jwt.access_token).payload.sid;
    const q = new URLSearchParams({ id_token_hint: tokens.jwt.id_token, post_logout_redirect_uri: postLogoutURI, state: "bye" });
    const r = await get("/oauth2/end-session?" + q); // as the RP's back end: JSON, not a browser redirect
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.url, postLogoutURI + "?state=bye");
    assert.equal((await rows(`select 1 from {session} where {session.id} = $1`, [sid])).length, 0, "the session is gone");
    const a = await row(`select {oauthAccessToken.revoked} as revoked from {oauthAccessToken} where {oauthAccessToken.token} = $1`, [hashToken(tokens.opaque.access_token)]);
    assert.ok(a.revoked instanceof Date, "the session's opaque access token is revoked");
    const i = await postForm("/oauth2/introspect", { token: tokens.opaque.access_token }, { authorization: basic(web.id!, web.secret!) });
    assert.equal(i.body.active, false);
    const u = await get("/oauth2/userinfo", { authorization: "Bearer " + tokens.opaque.access_token });
    assert.equal(u.status, 401);

    // Go: refuses the same tokens now.
    const answer = await handshake("revoked", {});
    if (answer) assert.equal(answer.refused, true, JSON.stringify(answer));

    // An offline_access refresh token outlives the session (Better Auth revokes only the others) ...
    const refresh = (rt: string) => postForm("/oauth2/token", { grant_type: "refresh_token", refresh_token: rt }, { authorization: basic(web.id!, web.secret!) });
    const rt = await row(`select {oauthRefreshToken.revoked} as revoked, {oauthRefreshToken.sessionId} as session_id from {oauthRefreshToken} where {oauthRefreshToken.token} = $1`,
      [hashToken(tokens.opaque.refresh_token)]);
    assert.deepEqual(rt, { revoked: null, session_id: null }, "kept, its session reference set null by the foreign key");
    const renewed = await refresh(tokens.opaque.refresh_token);
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    // ... until its client revokes it (RFC 7009), which ends the whole family.
    const rr = await postForm("/oauth2/revoke", { token: renewed.body.refresh_token, token_type_hint: "refresh_token" }, { authorization: basic(web.id!, web.secret!) });
    assert.equal(rr.status, 200, JSON.stringify(rr.body));
    assert.equal((await refresh(renewed.body.refresh_token)).status, 400);
    assert.equal((await rows(`select 1 from {oauthRefreshToken} where {oauthRefreshToken.clientId} = $1 and {oauthRefreshToken.userId} = $2 and {oauthRefreshToken.revoked} is null`, [web.id, alice.userId])).length, 0);
  });
});

describe("SCIM", () => {
  test("Better Auth's own SCIM lifecycle (runSCIMLifecycle) provisions users and groups into our tables", async () => {
    const testId = "interop-" + stamp;
    const seen: Record<string, { users: number; groups: number; members: number; grants: number }> = {};
    const count = async () => ({
      users: (await rows(`select 1 from {scimUser}`)).length,
      groups: (await rows(`select 1 from {scimGroup}`)).length,
      members: (await rows(`select 1 from {scimGroupMember}`)).length,
      grants: (await rows(`select 1 from {scimProjectionGrant}`)).length,
    });
    const result = await runSCIMLifecycle({
      baseURL,
      token: scimToken,
      testId,
      projectionFailure: { enable: () => { failProjection = true; }, disable: () => { failProjection = false; } },
      onCheckpoint: async (checkpoint) => { seen[checkpoint] = await count(); },
    });
    // The rows behind the protocol, at the lifecycle's checkpoints.
    assert.deepEqual(seen["group-created"], { users: 1, groups: 1, members: 0, grants: 0 });
    assert.deepEqual(seen["failed-add-rolled-back"], { users: 1, groups: 1, members: 0, grants: 0 }, "the failed member add rolled back in one transaction");
    assert.deepEqual(seen["member-added"], { users: 1, groups: 1, members: 1, grants: 1 });
    assert.deepEqual(seen["okta-member-removed"], { users: 1, groups: 1, members: 0, grants: 0 });
    assert.deepEqual(seen["member-restored"], { users: 1, groups: 1, members: 1, grants: 1 });
    assert.deepEqual(seen["populated-group-deleted"], { users: 1, groups: 0, members: 0, grants: 0 });
    assert.deepEqual(seen["lifecycle-complete"], { users: 0, groups: 0, members: 0, grants: 0 });
    // A SCIM DELETE leaves a tombstone naming the Better Auth user; the user row itself stays (SCIM unlinks it).
    const tomb = await rows(`select {scimIdentityTombstone.userId} as user_id, {scimIdentityTombstone.connectionId} as connection_id from {scimIdentityTombstone}`);
    assert.equal(tomb.length, 1, "one tombstone per directory identity (the reprovisioned user relinked the same Better Auth user)");
    for (const t of tomb) {
      assert.equal(t.connection_id, "interop-directory");
      assert.equal((await row(`select {user.email} as email from {user} where {user.id} = $1`, [t.user_id])).email, `${testId}.primary@example.com`);
    }
    artefacts.scim = result;
  });
});
