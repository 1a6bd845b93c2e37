// Package baimport moves a Better Auth database into the iam schema: the
// code behind `iam import better-auth`.
//
// Run reads the source (a live Better Auth database in the layout Better
// Auth created: camelCase tables of `auth migrate`/getMigrations,
// snake_case of the Drizzle and Prisma generators, usePlural, or custom
// modelName/fields given as a Map) in one read-only snapshot, gives every
// row a new "<table>__<uuidv7>" id, rewrites every reference, copies
// secrets byte for byte, checks the rows against the target's rules and
// writes everything in one transaction by COPY — or nothing, with a Report
// naming each refused row by table, source id, field and rule.
package baimport
