package hostile_test

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/beep/iam/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Kinds of successful attacks.
const (
	kindEscalation = "escalation"
	kindRead       = "cross-tenant read"
	kindWrite      = "cross-tenant write"
	kindOracle     = "existence oracle"
	kindDenial     = "denial"
)

// tally counts the attacks of the whole run.
type tally struct {
	mu        sync.Mutex
	attacks   int
	refused   int
	byKind    map[string]int
	successes []string
}

var results = tally{byKind: map[string]int{}}

// refused records an attack that was refused.
func refused() {
	results.mu.Lock()
	results.attacks++
	results.refused++
	results.mu.Unlock()
}

// succeeded records an attack that succeeded and fails t with a message
// naming the target, the attack and the context.
func succeeded(t *testing.T, kind, target, attack, context, detail string) {
	t.Helper()
	msg := fmt.Sprintf("%s: %s | attack: %s | context: %s | %s", kind, target, attack, context, detail)
	results.mu.Lock()
	results.attacks++
	results.byKind[kind]++
	results.successes = append(results.successes, msg)
	results.mu.Unlock()
	t.Error("ATTACK SUCCEEDED: " + msg)
}

// judge records one attack: ok means refused.
func judge(t *testing.T, ok bool, kind, target, attack, context, detail string) {
	t.Helper()
	if ok {
		refused()
		return
	}
	succeeded(t, kind, target, attack, context, detail)
}

func (r *tally) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	via := ""
	if viaPgBouncer() {
		via = " (store through PgBouncer, transaction mode)"
	}
	return fmt.Sprintf("hostile%s: %d attacks, %d refused, %d escalations, %d cross-tenant reads, %d cross-tenant writes, %d existence oracles, %d denials",
		via, r.attacks, r.refused, r.byKind[kindEscalation], r.byKind[kindRead], r.byKind[kindWrite], r.byKind[kindOracle], r.byKind[kindDenial])
}

// TestHostile runs every attack group (in parallel, each on its own
// database) and prints the tally of the whole run.
func TestHostile(t *testing.T) {
	t.Run("groups", func(t *testing.T) {
		t.Run("Escalation", testEscalation)
		t.Run("RawSQL", testRawSQL)
		t.Run("GlobalParent", testGlobalParent)
		t.Run("APIKeyDuplicates", testAPIKeyDuplicates)
		t.Run("UserOwnedRows", testUserOwnedRows)
		t.Run("LeakyQuals", testLeakyQuals)
		t.Run("StoreAPI", testStoreAPI)
	})
	line := results.summary()
	fmt.Println(line)
	// scripts/test prints the tally after the run (go test keeps the output
	// of passing packages to itself).
	if p := os.Getenv("IAM_HOSTILE_REPORT"); p != "" {
		if err := os.WriteFile(p, []byte(line+"\n"), 0o644); err != nil {
			t.Errorf("writing the hostile report: %v", err)
		}
	}
	results.mu.Lock()
	succ := append([]string(nil), results.successes...)
	results.mu.Unlock()
	if len(succ) > 0 {
		sort.Strings(succ)
		fmt.Println("hostile: successful attacks:\n  " + strings.Join(succ, "\n  "))
	}
	if results.attacks == 0 {
		t.Fatal("no attack ran")
	}
}

// envVia makes every world's store connect through PgBouncer.
const envVia = "IAM_HOSTILE_VIA"

func viaPgBouncer() bool { return os.Getenv(envVia) == "pgbouncer" }

// TestHostileThroughPgBouncer runs TestHostile again in a child test binary
// whose stores (fixtures and StoreAPI) connect through a real PgBouncer in
// transaction mode with Options.Pooler = PoolerTransaction, as the
// attacker's login. Its tally goes to $IAM_HOSTILE_REPORT.pgbouncer.
func TestHostileThroughPgBouncer(t *testing.T) {
	if viaPgBouncer() {
		// The child runs TestHostile only (-test.run); this keeps a stray
		// -test.run from recursing.
		return
	}
	pgtest.PgBouncer(t) // fails here, saying what to install, without pgbouncer
	cmd := exec.Command(os.Args[0], "-test.count=1", "-test.run=^TestHostile$", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), envVia+"=pgbouncer")
	if p := os.Getenv("IAM_HOSTILE_REPORT"); p != "" {
		cmd.Env = append(cmd.Env, "IAM_HOSTILE_REPORT="+p+".pgbouncer")
	}
	out, err := cmd.CombinedOutput()
	tally := ""
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "hostile (store through PgBouncer") {
			tally = l
		}
	}
	if err != nil {
		tail := out
		if len(tail) > 30000 {
			tail = tail[len(tail)-30000:]
		}
		t.Fatalf("the hostile suite through PgBouncer failed (%v): %s\n%s", err, tally, tail)
	}
	if tally == "" {
		t.Fatalf("the hostile suite through PgBouncer printed no tally:\n%s", out)
	}
	fmt.Println(tally)
}
