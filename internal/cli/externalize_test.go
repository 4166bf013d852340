package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
)

// TestExternalizeCLI drives the command: usage errors exit 2 and write
// nothing; --dry-run prints the masked plan and writes nothing; a real
// run pushes to a Vault dev server (credentials from VAULT_ADDR and
// VAULT_TOKEN, as an operator's shell has them) and never prints a value.
func TestExternalizeCLI(t *testing.T) {
	secrets := []string{"Q2xpLXRlc3QtZmVybmV0LWtleS0xMjM0NTY3ODkwMSE=", "Smtp-Cli-Secret-77", "Db-Cli-Secret-88"}
	write := func(t *testing.T) (string, string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "values.yaml")
		if err := os.WriteFile(p, []byte(fixValues), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir, p
	}
	usage := []struct {
		name string
		args []string
		want string
	}{
		{"unknown provider", []string{"--provider", "onprem", "--mode", "eso"}, "--provider must be"},
		{"agent needs vault", []string{"--provider", "aws", "--aws-region", "eu-west-1", "--mode", "vault-agent"}, "needs --provider vault"},
		{"vault address", []string{"--provider", "vault", "--mode", "eso", "--dry-run"}, "--vault-addr is required"},
		{"aws region", []string{"--provider", "aws", "--mode", "eso", "--dry-run"}, "--aws-region is required"},
		{"no out", []string{"--provider", "gcp", "--gcp-project", "p", "--mode", "eso"}, "--out DIR is required"},
	}
	for _, tt := range usage {
		t.Run(tt.name, func(t *testing.T) {
			dir, p := write(t)
			code, out, errb := run(t, append([]string{"externalize", "-f", p}, tt.args...)...)
			if code != 2 || !strings.Contains(errb, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errb, tt.want)
			}
			if data, _ := os.ReadFile(p); string(data) != fixValues || out != "" {
				t.Error("a usage error changed the values or printed a plan")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("a usage error wrote files: %v", entries)
			}
		})
	}
	t.Run("dry run", func(t *testing.T) {
		dir, p := write(t)
		code, out, _ := run(t, "externalize", "-f", p, "--provider", "vault", "--vault-addr", "https://vault.example:8200", "--mode", "eso", "--dry-run")
		if code != 0 || !strings.Contains(out, "airflow/fernet-key") || !strings.Contains(out, "Would write") {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		noSecrets(t, out, secrets)
		if data, _ := os.ReadFile(p); string(data) != fixValues {
			t.Error("--dry-run changed the values")
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("--dry-run wrote files: %v", entries)
		}
	})
	t.Run("push", func(t *testing.T) {
		srv := vaulttest.Start(t)
		t.Setenv("VAULT_ADDR", srv.Addr)
		t.Setenv("VAULT_TOKEN", vaulttest.RootToken)
		_, p := write(t)
		out := t.TempDir()
		args := []string{"externalize", "-f", p, "--provider", "vault", "--vault-addr", "https://vault.in-cluster:8200", "--mode", "vault-agent", "--out", out, "--push"}
		code, stdout, errb := run(t, args...)
		if code != 0 || !strings.Contains(stdout, "Pushed: ") {
			t.Fatalf("exit %d:\n%s\n%s", code, stdout, errb)
		}
		noSecrets(t, stdout+errb, secrets)
		if _, err := os.Stat(filepath.Join(out, "secret-manager-values.yaml")); err == nil {
			t.Error("with --push the secret values were also written to a file")
		}
		code, stdout, _ = run(t, args...)
		if code != 0 || strings.Contains(stdout, "Pushed") || strings.Contains(stdout, "update ") {
			t.Errorf("second run: exit %d, output:\n%s", code, stdout)
		}
	})
}

func noSecrets(t *testing.T, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the output shows a secret value (%d chars)", len(s))
		}
	}
}
