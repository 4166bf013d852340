package auditor_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"slices"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/testcluster"
)

// scenario is a namespace with a real Airflow release (three revisions,
// the first two with a plaintext database password), Secrets, workloads,
// RBAC objects and ExternalSecrets. Several tests audit it; it is built
// once.
type scenario struct {
	ns      string
	created time.Time
}

var (
	scenarioOnce sync.Once
	shared       *scenario
)

func airflowScenario(t *testing.T) *scenario {
	t.Helper()
	scenarioOnce.Do(func() { shared = buildScenario(t) })
	if shared == nil {
		t.Fatal("scenario setup failed in an earlier test")
	}
	return shared
}

func buildScenario(t *testing.T) *scenario {
	cs, dyn := clients(t)
	ns := newNamespace(t, cs, "airflow")
	s := &scenario{ns: ns, created: time.Now()}
	createSecrets(t, cs, ns,
		secret("airflow-keys", map[string]string{"fernet": catalog.DefaultFernetKey}),
		secret("airflow-db", map[string]string{"password": "S3cure-Db-Pw-0x7"}),
		secret("api-token", map[string]string{"token": "tok-5f2a9c1e77d04b3a"}),
		secret("rotated-token", map[string]string{"token": "tok-0c3e1b5a9f7d2e64"}))
	markRotated(t, cs, ns, "rotated-token", s.created.Add(50*24*time.Hour))
	helmDeploy(t, ns, "airflow", "secret", airflowValues("Pl4in-Db-Pass-9931"))
	v2 := airflowValues("Pl4in-Db-Pass-9931")
	v2["scheduler"] = map[string]any{"replicas": 2}
	helmDeploy(t, ns, "airflow", "secret", v2)
	helmDeploy(t, ns, "airflow", "secret", airflowValues(""))
	createWorkloads(t, cs, ns)
	createRBAC(t, cs, ns)
	installAuditorRBAC(t, cs, ns)
	installESOCRD(t, dyn, cs)
	createExternalSecret(t, dyn, ns, "db-sync", "airflow-db", "1h", false, "SecretSyncedError", s.created)
	createExternalSecret(t, dyn, ns, "token-sync", "api-token", "0", true, "SecretSynced", s.created)
	return s
}

// brief is what the tests compare: stable, and enough to pin behaviour.
type brief struct {
	Rule, Object, Path, Severity string
}

func briefs(fs []audit.Finding, keep func(audit.Finding) bool) []brief {
	var out []brief
	for _, f := range fs {
		if keep(f) {
			out = append(out, brief{Rule: f.RuleID, Object: f.Object.String(), Path: f.Path, Severity: f.Severity.String()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

func runAudit(t *testing.T, user string, o auditor.Options) (*audit.Result, error) {
	t.Helper()
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	o.Registry = reg
	return auditor.Run(bg, auditClient(t, user), o)
}

// notPlatform drops Kubernetes' own identities, which differ between
// server versions; TestSecretReadersMatchTheAuthorizer covers them.
func notPlatform(f audit.Finding) bool { return f.Access == nil || !f.Access.Platform }

// TestAuditRealCluster is the acceptance test: a real API server, a real
// Helm release of the real chart, and every check.
func TestAuditRealCluster(t *testing.T) {
	s := airflowScenario(t)
	ns := s.ns
	// 100 days on: the fernet key (90-day limit) and the API token (90)
	// are overdue; the rotated token changed 50 days ago; the database
	// password (180) is within its limit.
	res, err := runAudit(t, testcluster.Admin, auditor.Options{Namespaces: []string{ns}, Now: s.created.Add(100 * 24 * time.Hour), Policy: expectAuditor()})
	if err != nil {
		t.Fatal(err)
	}
	rel := "HelmRelease " + ns + "/airflow"
	want := []brief{
		{Rule: "airflow-sa-secret-reader", Object: "ServiceAccount " + ns + "/airflow", Severity: "high"},
		{Rule: "configmap-credential", Object: "ConfigMap " + ns + "/etl-config", Path: "data.DATABASE_URL", Severity: "high"},
		{Rule: "database-password", Object: rel, Path: "externalDatabase.password", Severity: "high"},
		{Rule: "external-secret-no-refresh", Object: "ExternalSecret " + ns + "/token-sync", Path: "spec.refreshInterval", Severity: "low"},
		{Rule: "external-secret-not-ready", Object: "ExternalSecret " + ns + "/db-sync", Severity: "high"},
		{Rule: "insecure-default-admin-user", Object: rel, Path: "airflow.users[0].password", Severity: "critical"},
		{Rule: "secret-key-missing", Object: "Secret " + ns + "/airflow-keys", Path: "data.web", Severity: "high"},
		{Rule: "secret-missing", Object: "Secret " + ns + "/task-conn", Severity: "high"},
		{Rule: "secret-public-default", Object: "Secret " + ns + "/airflow-keys", Path: "data.fernet", Severity: "critical"},
		{Rule: "secret-reader", Object: "Group data-team", Severity: "low"},
		{Rule: "secret-reader", Object: "ServiceAccount tools/ci-bot", Severity: "medium"},
		{Rule: "secret-reader", Object: "User dev-alice", Severity: "medium"},
		{Rule: "secret-reader", Object: "User ops-bob-" + ns, Severity: "high"},
		{Rule: "secret-rotation-overdue", Object: "Secret " + ns + "/airflow-keys", Severity: "medium"},
		{Rule: "secret-rotation-overdue", Object: "Secret " + ns + "/api-token", Severity: "medium"},
		{Rule: "workload-literal-secret", Object: "CronJob " + ns + "/report", Path: "spec.jobTemplate.spec.template.spec.containers[0].args", Severity: "high"},
		{Rule: "workload-literal-secret", Object: "Deployment " + ns + "/legacy-etl", Path: "spec.template.spec.containers[0].env[0].value", Severity: "high"},
	}
	if diff := cmp.Diff(want, briefs(res.Findings, notPlatform)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Gaps) > 0 {
		t.Errorf("admin audit has gaps: %v", res.Gaps)
	}
	wantRel := []audit.ReleaseSummary{{Name: "airflow", Namespace: ns, Chart: "airflow-8.9.0", Storage: "Secret", Revisions: 3, Current: 3, Status: "deployed"}}
	if diff := cmp.Diff(wantRel, res.Releases); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		switch {
		case f.RuleID == "database-password":
			d := f.Release
			if d == nil || len(d.Revisions) != 2 || d.Revisions[0].Revision != 1 || d.Revisions[1].Revision != 2 || d.InCurrent || f.Origin != audit.OriginReleaseHistory {
				t.Errorf("removed password: want revisions 1-2, not current, origin release-history; got %+v origin %s", d, f.Origin)
			}
			if f.Secret.Mask() != "Pl*** (18 chars)" || !strings.Contains(f.Message, "revisions 1-2") {
				t.Errorf("removed password: value %s message %q", f.Secret.Mask(), f.Message)
			}
		case f.RuleID == "secret-rotation-overdue" && f.Object.Name == "api-token":
			if f.Age == nil || f.Age.SyncedBy != "token-sync" || f.Age.Kind != "token" || f.Age.Since != "creation" {
				t.Errorf("api-token age detail: %+v", f.Age)
			}
		case f.RuleID == "airflow-sa-secret-reader":
			if f.Access == nil || !f.Access.Airflow || len(f.Access.ReleaseRecords) != 3 || !strings.Contains(f.Remediation, "rbac.secrets: false") {
				t.Errorf("airflow service account: %+v; remediation %q", f.Access, f.Remediation)
			}
		}
	}
	platform := briefs(res.Findings, func(f audit.Finding) bool { return !notPlatform(f) })
	if !slices.Contains(platform, brief{Rule: "secret-reader", Object: "Group system:masters", Severity: "info"}) {
		t.Errorf("cluster admins (system:masters) not listed as expected readers: %v", platform)
	}
}
