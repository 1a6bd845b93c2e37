package schema

import "github.com/beep/iam/domain"

// RateLimit is iam_rate_limit, Better Auth's database rate limiter.
var RateLimit = NewTable(domain.TableRateLimit,
	Text("key").Required().BA("key").Describe("<ip>|<path>"),
	Int("count").Required().BA("count"),
	BigInt("last_request").Required().BA("lastRequest").Describe("epoch milliseconds"),

	UniqueIdx("rate_limit_key_unique_idx", "key"),
	Chk("rate_limit_count_check", "(count >= 0)"),
).Model("rateLimit").Describe("Rate limit counters (Better Auth rateLimit, database storage).")
