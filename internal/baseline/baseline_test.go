package baseline_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/baseline"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
)

func f(rule, path, secret string, line int) finding.Finding {
	return finding.Finding{RuleID: rule, Path: path, Secret: redact.New(secret), Loc: finding.Location{File: "v.yaml", Line: line}}
}

func TestBaselineSurvivesMovesAndReportsStale(t *testing.T) {
	accepted := []finding.Finding{f("database-password", "externalDatabase.password", "S3cret-db-pw", 4), f("redis-password", "redis.password", "r3dis", 9)}
	b, err := baseline.New(accepted)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := b.Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, s := range []string{"S3cret-db-pw", "r3dis"} {
		if strings.Contains(string(data), s) {
			t.Fatalf("baseline file contains the secret %q", s)
		}
	}
	loaded, err := baseline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		findings  []finding.Finding
		wantKept  int
		wantStale int
	}{
		{"same findings on other lines", []finding.Finding{f("database-password", "externalDatabase.password", "S3cret-db-pw", 40), f("redis-password", "redis.password", "r3dis", 90)}, 0, 0},
		{"a changed secret is new, its old entry stale", []finding.Finding{f("database-password", "externalDatabase.password", "N3w-pw", 4), f("redis-password", "redis.password", "r3dis", 9)}, 1, 1},
		{"a fixed secret leaves a stale entry", []finding.Finding{f("redis-password", "redis.password", "r3dis", 9)}, 0, 1},
		{"a new finding is kept", append(accepted, f("airflow-user-password", "airflow.users[0].password", "x", 3)), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, stale := loaded.Apply(tt.findings)
			if len(kept) != tt.wantKept || len(stale) != tt.wantStale {
				t.Errorf("kept %d stale %d, want %d and %d", len(kept), len(stale), tt.wantKept, tt.wantStale)
			}
		})
	}
}

func TestBadBaselines(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not-json":    "{",
		"old-version": `{"version": 0, "salt": "00112233445566778899", "entries": []}`,
		"no-salt":     `{"version": 1, "entries": []}`,
		"bad-entry":   `{"version": 1, "salt": "00112233445566778899", "entries": [{"ruleId": "x"}]}`,
	} {
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, []byte(content), 0o644)
		if _, err := baseline.Load(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: want an error naming the file, got %v", name, err)
		}
	}
}
