// A Better Auth configuration the iam schema cannot hold: the test app plus a user field
// shared_user has no column for. interop/conformance_test.go runs `auth check schema` on
// it to show that the check it passes on harness.ts does find a mismatch.
import { betterAuth } from "better-auth";
import { appOptions, iam, plugins } from "./harness.ts";

export const auth = betterAuth(iam({
  ...appOptions,
  plugins: plugins(),
  user: { additionalFields: { favouriteColour: { type: "string", required: true } } },
}));
