package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesDocIsCurrent keeps docs/rules.md equal to `airlock rules
// --format markdown`; run `go test ./internal/cli -run RulesDoc -update`
// after changing a rule.
func TestRulesDocIsCurrent(t *testing.T) {
	code, out, stderr := run(t, "rules", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, filepath.Join("..", "..", "docs", "rules.md"), out)
	_, list, _ := run(t, "rules")
	for _, line := range strings.Split(strings.TrimSpace(list), "\n")[1:] {
		id := strings.Fields(line)[0]
		if !strings.Contains(out, "## "+id+"\n") {
			t.Errorf("rule %s is listed but not documented", id)
		}
	}
	if _, err := os.Stat(filepath.Join("..", "..", "docs", "rules.md")); err != nil {
		t.Fatal(err)
	}
}
