// Shared set-up of the interop suite: one Better Auth instance configured only
// with withIam and its plugins, on the database the Go test hands over.
//
// Environment (set by interop/betterauth_test.go):
//   IAM_DATABASE_URL       a freshly migrated iam database (a login whose sessions run as iam_auth)
//   IAM_BETTER_AUTH_ADAPTER  "drizzle" (default: withIam, the Drizzle adapter) or "kysely"
//                          (withIamKysely: Better Auth's built-in Kysely adapter on the pg.Pool)
//   IAM_INTEROP_ARTEFACTS  where to write what the scenarios produced, for Go to verify (optional)
//   IAM_INTEROP_FIXTURES   a JSON file of rows Go created, for Node to use (optional)
import { readFileSync, writeFileSync } from "node:fs";
import { betterAuth } from "better-auth";
import {
  admin, anonymous, bearer, deviceAuthorization, emailOTP, jwt, organization, phoneNumber, siwe, twoFactor, username,
} from "better-auth/plugins";
import { passkey } from "@better-auth/passkey";
import { apiKey } from "@better-auth/api-key";
import { sso } from "@better-auth/sso";
import { stripe } from "@better-auth/stripe";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { BetterAuthOptions } from "better-auth";
import { schema, withIam, withIamKysely } from "../iam.ts";
import { versions } from "./versions.ts";

const url = process.env.IAM_DATABASE_URL;
if (!url) {
  throw new Error("IAM_DATABASE_URL is not set: run this suite through `go test ./interop/` (it migrates a fresh database)");
}

/** The secret of the test app; Go verifies cookies, TOTP secrets and keys with it. */
export const secret = "iam-interop-test-secret-0123456789abcdef";
export const baseURL = "http://localhost:3000";

/**
 * pool is the connection Better Auth uses (through Drizzle); rows/row read back on another.
 * Its session time zone is deliberately not UTC (nor a whole hour): timestamptz columns
 * mapped withTimezone must not shift.
 */
export const pool = new pg.Pool({ connectionString: url, max: 4, options: "-c TimeZone=Asia/Kolkata" });
const reader = new pg.Pool({ connectionString: url, max: 2 });

/** rows runs a read query on a separate connection. */
export async function rows<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await reader.query(text, params)).rows as T[];
}

/** row runs a read query that must return exactly one row. */
export async function row<T = any>(text: string, params: unknown[] = []): Promise<T> {
  const r = await rows<T>(text, params);
  if (r.length !== 1) throw new Error(`expected one row, got ${r.length}: ${text} ${JSON.stringify(params)}`);
  return r[0];
}

/** Tokens Better Auth "e-mailed" (password reset, e-mail verification), by "<kind>:<email>". */
export const sentTokens = new Map<string, string>();

/** Phone OTPs the phoneNumber plugin "sent". */
export const sentOTPs = new Map<string, string>();

/** The billing period the stub's subscriptions report (Unix seconds). */
export const stripePeriod = { current_period_start: 1_790_000_000, current_period_end: 1_792_592_000 };

/** A Stripe client stub: no network; records what the plugin asked for. */
export const stripeCalls: string[] = [];
let customerSeq = 0;
const stripeStub: any = {
  customers: {
    search: async () => { stripeCalls.push("customers.search"); return { data: [] }; },
    list: async function* () { stripeCalls.push("customers.list"); },
    create: async (p: any) => { stripeCalls.push("customers.create"); return { id: `cus_test_${++customerSeq}`, email: p.email, metadata: p.metadata ?? {} }; },
    retrieve: async (id: string) => ({ id, deleted: false, metadata: {} }),
    update: async (id: string) => ({ id }),
  },
  subscriptions: {
    list: async () => { stripeCalls.push("subscriptions.list"); return { data: [] }; },
    retrieve: async (id: string) => ({
      id, status: "active", cancel_at_period_end: false, cancel_at: null, canceled_at: null, ended_at: null,
      items: { data: [{ price: { id: "price_pro_test", recurring: { interval: "month" } }, quantity: 1, ...stripePeriod }] },
    }),
    update: async (id: string) => ({ id }),
  },
  prices: {
    list: async () => ({ data: [] }),
    retrieve: async (id: string) => ({ id, recurring: { usage_type: "licensed" } }),
  },
  checkout: {
    sessions: {
      create: async () => { stripeCalls.push("checkout.sessions.create"); return { id: "cs_test_1", url: "https://checkout.stripe.test/cs_test_1" }; },
    },
  },
  billingPortal: { sessions: { create: async () => ({ url: "https://billing.stripe.test/p" }) } },
  // The stub trusts the payload: signature checking is Stripe's code, not under test.
  webhooks: { constructEventAsync: async (payload: string) => JSON.parse(payload) },
};

export const db = drizzle(pool, { schema });

/** plugins is the plugin list of the test app. */
export const plugins = () => [
  organization({
    ac: createAccessControl(defaultStatements),
    roles: { owner: ownerAc, admin: adminAc, member: memberAc },
    teams: { enabled: true },
    dynamicAccessControl: { enabled: true },
    requireEmailVerificationOnInvitation: false,
  }),
  twoFactor(),
  passkey({ rpID: "localhost", rpName: "iam interop", origin: baseURL }),
  apiKey({ rateLimit: { enabled: true, timeWindow: 3_600_000, maxRequests: 100 } }),
  jwt(),
  deviceAuthorization({ verificationUri: "/device" }),
  sso(),
  siwe({ domain: "localhost:3000", getNonce: async () => "iamNonce0123456789", verifyMessage: async () => true }),
  stripe({
    stripeClient: stripeStub,
    stripeWebhookSecret: "whsec_test",
    createCustomerOnSignUp: false,
    subscription: { enabled: true, plans: [{ name: "pro", priceId: "price_pro_test" }] },
  }),
  admin(),
  username(),
  phoneNumber({ sendOTP: async ({ phoneNumber: p, code }) => { sentOTPs.set(p, code); } }),
  anonymous(),
  bearer(),
  emailOTP({ sendVerificationOTP: async ({ email, otp, type }) => { sentTokens.set(`otp-${type}:${email}`, otp); } }),
];

/** appOptions are the test app's own options (what any Better Auth app has). */
export const appOptions = {
  secret,
  baseURL,
  trustedOrigins: ["https://idp.example.com"],
  telemetry: { enabled: false },
  emailAndPassword: {
    enabled: true,
    sendResetPassword: async ({ user, token }: { user: { email: string }; token: string }) => { sentTokens.set("reset:" + user.email, token); },
  },
  emailVerification: {
    sendVerificationEmail: async ({ user, token }: { user: { email: string }; token: string }) => { sentTokens.set("verify:" + user.email, token); },
  },
  user: { deleteUser: { enabled: true } },
  rateLimit: {
    enabled: true,
    storage: "database" as const,
    window: 3600,
    max: 1000,
    customRules: { "/ok": { window: 3600, max: 2 } },
  },
};

/** adapter is the Better Auth adapter under test: IAM_BETTER_AUTH_ADAPTER, "drizzle" by default. */
export const adapter = process.env.IAM_BETTER_AUTH_ADAPTER ?? "drizzle";
if (adapter !== "drizzle" && adapter !== "kysely") {
  throw new Error(`IAM_BETTER_AUTH_ADAPTER=${adapter}: want "drizzle" (withIam) or "kysely" (withIamKysely)`);
}

/** iam merges the iam schema into Better Auth options for the adapter under test. */
export function iam<O extends BetterAuthOptions>(options: O): O & { database: BetterAuthOptions["database"] } {
  return adapter === "kysely" ? withIamKysely(options, pool) : withIam(options, db);
}

/** auth is Better Auth configured with withIam (or withIamKysely) and its plugins only. */
export const auth = betterAuth(iam({ ...appOptions, plugins: plugins() }));

/** cookieOf turns Set-Cookie headers into a Cookie request header. */
export function cookieOf(h: Headers): string {
  return h.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

/** headersWith returns request headers carrying the cookie. */
export function headersWith(cookie: string, extra: Record<string, string> = {}): Headers {
  return new Headers({ cookie, ...extra });
}

/** signUp creates an email+password user and returns its id, cookie and the response. */
export async function signUp(email: string, password: string, extra: Record<string, unknown> = {}) {
  const r = await auth.api.signUpEmail({ body: { email, password, name: email.split("@")[0], ...extra } as any, returnHeaders: true });
  return { userId: (r.response as any).user.id as string, cookie: cookieOf(r.headers), response: r.response as any };
}

/** idPattern matches "<table>__<uuid v7>". */
export function idPattern(table: string): RegExp {
  return new RegExp(`^${table}__[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`);
}

/** Artefacts collected for the Go side (cookies, passwords, keys, TOTP secrets ...). */
export const artefacts: Record<string, unknown> = {
  secret, baseURL,
  versions: versions(["better-auth", "@better-auth/core", "@better-auth/passkey", "@better-auth/api-key", "@better-auth/sso", "@better-auth/stripe"]),
};

/** writeArtefacts stores the artefacts where the Go test asked for them. */
export function writeArtefacts() {
  const out = process.env.IAM_INTEROP_ARTEFACTS;
  if (out) writeFileSync(out, JSON.stringify(artefacts, null, 2));
}

/** fixtures are the rows Go created for Node to use, or null. */
export const fixtures: any = process.env.IAM_INTEROP_FIXTURES
  ? JSON.parse(readFileSync(process.env.IAM_INTEROP_FIXTURES, "utf8"))
  : null;

/** close ends the pools. */
export async function close() {
  await pool.end();
  await reader.end();
}
