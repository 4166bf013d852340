package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSuppressions(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, ".airlock.yaml", "allowlist:\n  values: [\"^dummy-\"]\n  paths: [\"airflow.variables[*].value\"]\n")
	writeFile(t, dir, "values.yaml", `airflow:
  users: []
  variables:
    - {key: api_token, value: "tok-123456"}
externalDatabase:
  password: "same-line-pw" # airlock:ignore database-password -- rotated, tracked in SEC-42
redis:
  # airlock:ignore redis-password -- lab cluster
  password: "line-above-pw"
externalRedis:
  password: "wrong-rule-pw" # airlock:ignore database-password
postgresql:
  postgresqlPassword: "dummy-pw"
`)
	code, stdout, _ := run(t, "scan", "-f", "values.yaml", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{`"externalRedis.password"`, `4 findings suppressed (2 inline airlock:ignore, 2 allowlist`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %s:\n%s", want, stdout)
		}
	}
	for _, gone := range []string{`"externalDatabase.password"`, `"redis.password"`, `"postgresql.postgresqlPassword"`, `airflow.variables[0].value`} {
		if strings.Contains(stdout, `"valuesPath": `+gone) {
			t.Errorf("%s should be suppressed", gone)
		}
	}
	// A baseline accepts what is left, then reports its entry stale once fixed.
	base := filepath.Join(dir, "base.json")
	if code, _, _ := run(t, "scan", "-f", "values.yaml", "--write-baseline", base); code != 0 {
		t.Fatalf("--write-baseline exit %d", code)
	}
	if code, _, _ := run(t, "scan", "-f", "values.yaml", "--baseline", base); code != 0 {
		t.Fatalf("with baseline: exit %d", code)
	}
	writeFile(t, dir, "values.yaml", "airflow: {users: []}\nexternalRedis: {passwordSecret: r}\npostgresql: {enabled: false}\nredis: {enabled: false}\n")
	_, stdout, _ = run(t, "scan", "-f", "values.yaml", "--baseline", base)
	if !strings.Contains(stdout, "stale baseline entry") {
		t.Errorf("no stale note:\n%s", stdout)
	}
	writeFile(t, dir, ".airlock.yaml", "rules:\n  disabel: []\n")
	if code, _, stderr := run(t, "scan", "-f", "values.yaml"); code != 2 || !strings.Contains(stderr, ".airlock.yaml:2") {
		t.Errorf("bad config: exit %d, stderr %q", code, stderr)
	}
}

// TestSharedConfig: one .airlock.yaml tunes scan and audit, so scan must
// accept rule ids that only audit reports.
func TestSharedConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, ".airlock.yaml", "rules:\n  disable: [secret-reader]\n  severity: {airflow-sa-secret-reader: critical}\n")
	writeFile(t, dir, "values.yaml", "externalDatabase:\n  password: \"shared-cfg-pw\"\n")
	if code, _, stderr := run(t, "scan", "-f", "values.yaml"); code != 1 {
		t.Errorf("exit %d, want 1 (stderr %q)", code, stderr)
	}
}
