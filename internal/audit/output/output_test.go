package output_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/output"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/rule"
)

var update = flag.Bool("update", false, "rewrite golden files")

const plaintext = "Pl4in-Db-Pass-9931"

// result has one finding of each check, a platform reader, a gap and a note.
func result() *audit.Result {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	rel := audit.Object{Kind: audit.HelmRelease, Namespace: "data", Name: "airflow"}
	fp := func(s string) string { return audit.Fingerprint(s) }
	ready := false
	return &audit.Result{
		Server: "https://k8s.example:6443", Context: "prod", ServerVersion: "v1.37.2", Namespaces: []string{"data"},
		Releases: []audit.ReleaseSummary{{Name: "airflow", Namespace: "data", Chart: "airflow-8.9.0", Storage: "Secret", Revisions: 3, Current: 3, Status: "deployed"}},
		Notes:    []string{"the External Secrets Operator is not installed"},
		Gaps:     []audit.Gap{{Check: audit.SecretsInUse, What: "list pods in namespace data", Reason: "forbidden", Detail: `pods is forbidden: User "x" cannot list`}},
		Findings: []audit.Finding{
			{Finding: finding.Finding{RuleID: "database-password", Class: finding.Hardcoded, Severity: finding.High, Path: "externalDatabase.password",
				Message: "Database password in values; no longer in the deployed revision 3", Remediation: "Rotate it.", Secret: redact.New(plaintext),
				Origin: audit.OriginReleaseHistory, Fingerprint: fp("a")}, Check: audit.ReleaseHistory, Object: rel,
				Release: &audit.ReleaseDetail{Name: "airflow", Namespace: "data", Chart: "airflow-8.9.0", Storage: "Secret",
					Revisions: []audit.Revision{{Revision: 1, Deployed: day, Status: "superseded"}, {Revision: 2, Deployed: day.Add(24 * time.Hour), Status: "superseded"}}, Current: 3}},
			{Finding: finding.Finding{RuleID: audit.RuleAirflowSecretReader, Class: finding.Misconfig, Severity: finding.High, Message: "ServiceAccount data/airflow can get every Secret",
				Remediation: "Set rbac.secrets: false.", Origin: audit.OriginCluster, Fingerprint: fp("b")}, Check: audit.SecretAccess,
				Object: audit.Object{Kind: "ServiceAccount", Namespace: "data", Name: "airflow"},
				Access: &audit.AccessDetail{Subject: audit.Subject{Kind: "ServiceAccount", Namespace: "data", Name: "airflow"}, Scope: audit.ScopeNamespace,
					Verbs: []string{"get"}, Airflow: true, Grants: []audit.Grant{{Binding: "RoleBinding data/airflow", Role: "Role data/airflow", Verbs: []string{"get"}}}}},
			{Finding: finding.Finding{RuleID: audit.RuleSecretReader, Class: finding.Misconfig, Severity: finding.Info, Message: "Group system:masters can read",
				Remediation: "Nothing.", Origin: audit.OriginCluster, Fingerprint: fp("c")}, Check: audit.SecretAccess,
				Object: audit.Object{Kind: "Group", Name: "system:masters"},
				Access: &audit.AccessDetail{Subject: audit.Subject{Kind: "Group", Name: "system:masters"}, Scope: audit.ScopeCluster, Verbs: []string{"get", "list", "watch"}, Platform: true}},
			{Finding: finding.Finding{RuleID: audit.RuleRotationOverdue, Class: finding.Misconfig, Severity: finding.Medium, Message: "Secret data/keys is 120 days old",
				Remediation: "Rotate.", Origin: audit.OriginCluster, Fingerprint: fp("d")}, Check: audit.SecretsInUse,
				Object: audit.Object{Kind: "Secret", Namespace: "data", Name: "keys"},
				Age:    &audit.AgeDetail{Kind: "fernetKey", Keys: []string{"fernet"}, Changed: day, Since: "creation", Age: 120 * 24 * time.Hour, Limit: 90 * 24 * time.Hour, UsedBy: []string{"Deployment web"}}},
			{Finding: finding.Finding{RuleID: audit.RuleESNotReady, Class: finding.Misconfig, Severity: finding.High, Message: "ExternalSecret data/db is not Ready",
				Remediation: "Fix it.", Origin: audit.OriginCluster, Fingerprint: fp("e")}, Check: audit.SecretsInUse,
				Object: audit.Object{Kind: "ExternalSecret", Namespace: "data", Name: "db"},
				Sync:   &audit.SyncDetail{Target: "db", Ready: &ready, Reason: "SecretSyncedError", RefreshInterval: "1h", RefreshTime: day}},
			{Finding: finding.Finding{RuleID: audit.RuleWorkloadLiteral, Class: finding.Hardcoded, Severity: finding.High, Path: "spec.template.spec.containers[0].env[0].value",
				Message: "literal AWS key", Remediation: "Use a Secret.", Secret: redact.New("q8Zr1Kx0mV7tN3pL9sW2yB6cF4hJ5dG8aE1uQ0oR"), Origin: audit.OriginCluster, Fingerprint: fp("f")},
				Check: audit.Literals, Object: audit.Object{Kind: "Deployment", Namespace: "data", Name: "etl"}},
		},
	}
}

func input(show bool) *output.Input {
	return &output.Input{Tool: output.Tool{Name: "airlock", Version: "test", URI: "https://example.invalid/airlock"}, Result: result(),
		Rules: append([]rule.Meta{{ID: "database-password", Title: "Database password in values", Class: finding.Hardcoded, Severity: finding.High,
			Description: "d", Remediation: "r."}}, audit.Rules()...), ShowSecrets: show}
}

func TestGolden(t *testing.T) {
	for _, format := range output.Formats {
		t.Run(format, func(t *testing.T) {
			w, err := output.New(format)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := w.Write(&buf, input(false)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "result."+format+".golden")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", format, diff)
			}
			if strings.Contains(buf.String(), plaintext) {
				t.Errorf("%s prints the secret", format)
			}
			if format != "text" && !json.Valid(buf.Bytes()) {
				t.Errorf("%s is not valid JSON", format)
			}
		})
	}
}

func TestShowSecrets(t *testing.T) {
	for _, format := range output.Formats {
		w, _ := output.New(format)
		var buf bytes.Buffer
		if err := w.Write(&buf, input(true)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), plaintext) {
			t.Errorf("%s: --show-secrets does not show the secret", format)
		}
	}
	if _, err := output.New("xml"); err == nil {
		t.Error("unknown format accepted")
	}
}
