// Better Auth's own migration planner (getMigrations, what `npx auth migrate` runs)
// on the test app's options through withIamKysely, against a migrated iam database.
// Prints one JSON object: what it would create, add and index, and what it warned.
// interop/conformance_test.go expects nothing to do and only the documented warnings.
//
// Environment: IAM_DATABASE_URL (as for the scenarios); IAM_BETTER_AUTH_ADAPTER=kysely.
import { getMigrations } from "better-auth/db/migration";
import { appOptions, close, iam, plugins } from "./harness.ts";

const warnings: string[] = [];
const options = iam({
  ...appOptions,
  plugins: plugins(),
  logger: {
    level: "warn" as const,
    log: (level: string, message: string) => { if (level === "warn" || level === "error") warnings.push(`${level}: ${message}`); },
  },
});
const plan = await getMigrations(options as any, { throwOnUnsafe: false });
console.log(JSON.stringify({
  toBeCreated: plan.toBeCreated.map((t) => ({ table: t.table, fields: Object.keys(t.fields) })),
  toBeAdded: plan.toBeAdded.map((t) => ({ table: t.table, fields: Object.keys(t.fields) })),
  toBeAddedIndexes: plan.toBeAddedIndexes.map((i) => ({ table: i.table, name: i.name })),
  unsafeChanges: plan.unsafeChanges,
  warnings,
}));
await close();
