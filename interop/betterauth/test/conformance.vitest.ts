// Better Auth's own adapter conformance suite (@better-auth/test-utils/adapter) on the
// iam schema, through the emitted module: withIam (Drizzle) and withIamKysely (Better
// Auth's Kysely adapter on the pg.Pool), one after the other. Run by
// interop/conformance_test.go on a throwaway migrated database: the suite deletes every
// row of Better Auth's tables.
//
// Environment: IAM_DATABASE_URL, a migrated iam database, connecting as a login whose
// sessions run as iam_auth (the role Better Auth uses in production).
import {
  authFlowTestSuite, caseInsensitiveTestSuite, joinsTestSuite, normalTestSuite, testAdapter, transactionsTestSuite,
} from "@better-auth/test-utils/adapter";
import { writeFileSync } from "node:fs";
import type { BetterAuthOptions } from "better-auth";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import { afterAll } from "vitest";
import { getAdapter } from "better-auth/db/adapter";
import { iamGenerateId, schema, withIam, withIamKysely } from "../iam.ts";

const url = process.env.IAM_DATABASE_URL;
if (!url) throw new Error("IAM_DATABASE_URL is not set: run this suite through `go test ./interop/ -run Conformance`");

const pool = new pg.Pool({ connectionString: url, max: 4 });
const db = drizzle(pool, { schema });
afterAll(async () => { await pool.end(); });

/**
 * iamOptions is what withIam merges into any options, without the adapter (the suite
 * passes its adapter separately): iam ids and sessions in the database.
 */
function iamOptions(): BetterAuthOptions {
  const { database: _, ...rest } = withIam({}, db);
  return rest;
}

/** id generator of the suite's rows: "<table>__<uuidv7>" for the model (see vitest.config.ts). */
const ids = (model?: string) => iamGenerateId({ model: model ?? "user" });

const addsModel = (m: string) => `adds the model ${m} (a plugin schema): the iam migrations own the tables, no test model exists`;
const addsField = (f: string) => `adds the field user.${f} (additionalFields): shared_user has no such column`;
const renames = (what: string) => `renames ${what}: the iam names are fixed by the migrations and mapped by the emitted schema`;
const newIds = "replaces the id generator: withIam installs iamGenerateId, and every table's CHECK requires ids of the form table__uuid";

/**
 * The tests that change the schema, disabled with their reason (docs/betterauth.md lists
 * them; interop/conformance_test.go checks that it does). Every other test runs.
 */
const normalExclusions: Record<string, string> = {
  "create - should use generateId if provided": newIds,
  "create - should return null for nullable foreign keys": addsModel("testModel"),
  "create - should apply default values to fields": addsModel("testModel") + "; " + addsField("testField"),
  "findOne - should not apply defaultValue if value not found": addsModel("testModel") + "; " + addsField("testField"),
  "findOne - should find a model with modified field name": renames("user.email to email_address"),
  "findOne - should find a model with modified model name": renames("the model user to user_custom"),
  "findOne - should find a model with additional fields": addsField("customField"),
  "findOne - should select fields with one-to-one join": addsModel("oneToOneTable"),
  "findOne - should return an object for one-to-one joins": addsModel("oneToOneTable"),
  "findOne - should work with both one-to-one and one-to-many joins": addsModel("oneToOneTable"),
  "findOne - should return null for failed base model lookup that has joins": addsModel("oneToOneTable"),
  "findOne - should join a model with modified field name": renames("user.email to email_address"),
  "findMany - should select fields with one-to-one join": addsModel("oneToOneTable"),
  "findMany - should find many with join and sortBy": addsField("numericField"),
  "findMany - should find many with one-to-one join": addsModel("oneToOneTable"),
  "findMany - should find many with both one-to-one and one-to-many joins": addsModel("oneToOneTable"),
  "findMany - should return empty array when base records don't exist with joins": addsModel("oneToOneTable"),
  "findMany - should find many models with sortBy": addsField("numericField"),
  "findMany - should find many models with sortBy and offset": addsField("numericField"),
  "findMany - should find many models with sortBy and limit": addsField("numericField"),
  "findMany - should find many models with sortBy and limit and offset": addsField("numericField"),
  "findMany - should find many models with sortBy and limit and offset and where": addsField("numericField"),
  "deleteMany - should delete many models with numeric values": addsField("numericField"),
  "findOne - backwards join with modified field name (session base, users-table join)": renames("the model user to user_table"),
  "findOne - should return null for one-to-one join when joined record doesn't exist": addsModel("oneToOneTable"),
  "findMany - should return null for one-to-one join when joined records don't exist": addsModel("oneToOneTable"),
  "findMany - should handle mixed joins correctly when some are missing": addsModel("oneToOneTable"),
  "create - should support arrays": addsModel("testModel"),
  "create - should support json": addsModel("testModel"),
};
// joinsTestSuite runs the normal tests with joins on, except "should use generateId if provided".
const { "create - should use generateId if provided": _, ...joinsExclusions } = normalExclusions;
const authFlowExclusions: Record<string, string> = {
  "should sign up with additional fields": addsField("dateField"),
};

/** exclusions by suite, for the report the Go test checks against docs/betterauth.md. */
const exclusions = {
  normal: normalExclusions, joins: joinsExclusions, "auth-flow": authFlowExclusions, transactions: {}, "case-insensitive": {},
};
if (process.env.IAM_CONFORMANCE_EXCLUSIONS) writeFileSync(process.env.IAM_CONFORMANCE_EXCLUSIONS, JSON.stringify(exclusions, null, 2));
const disable = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).map((k) => [k, true]));

// The emitted configuration on both adapters: withIam (Drizzle) and withIamKysely
// (Better Auth's built-in Kysely adapter on the pg.Pool), one after the other.
// On the Kysely path the adapter is the one Better Auth itself builds for
// `database: pool` (getAdapter), from the options withIamKysely returns for the
// suite's options of the moment.
const adapters = {
  drizzle: () => withIam({}, db).database,
  kysely: async (options: BetterAuthOptions) => {
    const adapter = await getAdapter(withIamKysely(options, pool));
    return () => adapter;
  },
};
for (const [name, adapter] of Object.entries(adapters)) {
  const { execute } = await testAdapter({
    adapter,
    runMigrations: () => {}, // iam migrate up ran before the suite; Better Auth never migrates this database
    overrideBetterAuthOptions: () => iamOptions(),
    customIdGenerator: ids as () => string,
    prefixTests: "iam " + name,
    tests: [
      normalTestSuite({ disableTests: disable(normalExclusions) }),
      transactionsTestSuite(),
      authFlowTestSuite({ disableTests: disable(authFlowExclusions) }),
      joinsTestSuite({ disableTests: disable(joinsExclusions) }),
      caseInsensitiveTestSuite(),
    ],
  });
  execute();
}
