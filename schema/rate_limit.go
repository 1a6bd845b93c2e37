package schema

import "github.com/beep/iam/domain"

// RateLimit is iam_rate_limit, Better Auth's database rate limiter.
var RateLimit = NewTable(domain.TableRateLimit,
	Text("key").Required().BA("key").Describe("<ip>|<path>").GoComment("\"<ip>|<path>\"").Param(),
	Int("count").Required().BA("count").Input(),
	BigInt("last_request").Required().BA("lastRequest").Describe("epoch milliseconds").
		GoComment("LastRequest is epoch milliseconds (bigint), as Better Auth writes it.").Param().ParamNote("epoch ms").Patch(),

	UniqueIdx("rate_limit_key_unique_idx", "key"),
	Chk("rate_limit_count_check", "(count >= 0)"),
).Model("rateLimit").Describe("Rate limit counters (Better Auth rateLimit, database storage).").
	GoDoc("is a counter of Better Auth's database rate limiter (iam_rate_limit). Better Auth always writes all three columns, so they are required here although the seed's columns were nullable.").
	GoInputDocs("is the input that creates a RateLimit.", "lists what an update of a counter may change.")
