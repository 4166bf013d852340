package auditor_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/scan"
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

func TestAuditScenarioDump(t *testing.T) {
	s := airflowScenario(t)
	res, err := runAudit(t, "admin", auditor.Options{Namespaces: []string{s.ns}, Now: s.created.Add(100 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Logf("%s %s %s %s %s\n   %s", f.Check, f.Severity, f.RuleID, f.Object, f.Path, f.Message)
	}
	for _, g := range res.Gaps {
		t.Logf("gap %s", g)
	}
	t.Logf("notes %s", strings.Join(res.Notes, "\n"))
	t.Logf("%+v", res.Releases)
	_ = cmp.Diff
}
