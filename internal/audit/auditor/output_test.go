package auditor_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/testcluster"
)

var update = flag.Bool("update", false, "rewrite golden files")

// planted are the plaintext secrets the scenario hides in the cluster.
var planted = []string{"Pl4in-Db-Pass-9931", "q8Zr1Kx0mV7tN3pL9sW2yB6cF4hJ5dG8aE1uQ0oR", "Cr0n-Pass-4471", "Cm-Pass-8812",
	"S3cure-Db-Pw-0x7", "tok-5f2a9c1e77d04b3a", "tok-0c3e1b5a9f7d2e64"}

// TestOutputsNeverLeak runs the CLI in every format: no planted secret
// appears unless --show-secrets asks for it, and then the leaked ones do.
func TestOutputsNeverLeak(t *testing.T) {
	s := airflowScenario(t)
	kc := testcluster.Need(t, kube).Kubeconfig(testcluster.Admin)
	for _, format := range []string{"text", "json", "sarif"} {
		for _, show := range []bool{false, true} {
			args := []string{"audit", "--kubeconfig", kc, "-n", s.ns, "--no-config", "--format", format}
			if show {
				args = append(args, "--show-secrets")
			}
			code, out, stderr := cliRun(t, args...)
			if code != 1 {
				t.Fatalf("%s: exit %d: %s", format, code, stderr)
			}
			for _, p := range planted {
				leaked := strings.Contains(out, p) || strings.Contains(stderr, p)
				// Secrets that only sit in Secrets (not in values, env or
				// ConfigMaps) are never output, even on request.
				wantShown := show && !strings.HasPrefix(p, "S3cure") && !strings.HasPrefix(p, "tok-")
				if leaked != wantShown {
					t.Errorf("%s show-secrets=%v: %q in output = %v", format, show, p, leaked)
				}
			}
		}
	}
}

func TestSARIFAndJSONShape(t *testing.T) {
	s := airflowScenario(t)
	kc := testcluster.Need(t, kube).Kubeconfig(testcluster.Admin)
	_, out, _ := cliRun(t, "audit", "--kubeconfig", kc, "-n", s.ns, "--no-config", "--format", "sarif")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation any `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]any    `json:"properties"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 || !log.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Fatalf("SARIF run shape: version %s, runs %d", log.Version, len(log.Runs))
	}
	seenRelease := false
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation != nil || len(r.Locations[0].LogicalLocations) == 0 {
			t.Errorf("%s: want one location, logical only: %+v", r.RuleID, r.Locations)
			continue
		}
		if r.PartialFingerprints["airlock/v1"] == "" || r.Properties["class"] == "" {
			t.Errorf("%s: fingerprint or class missing", r.RuleID)
		}
		if r.RuleID == "database-password" {
			seenRelease = true
			if r.Locations[0].LogicalLocations[0].FullyQualifiedName != "helm-release://"+s.ns+"/airflow" || r.Properties["valuesPath"] != "externalDatabase.password" {
				t.Errorf("release result: %+v %v", r.Locations, r.Properties)
			}
		}
	}
	if !seenRelease {
		t.Error("no release history result in SARIF")
	}
}

// normalize removes what changes between runs: the namespace suffix, the
// server port, dates and ages.
func normalize(s, ns string) string {
	for _, re := range []struct{ re, to string }{
		{regexp.QuoteMeta(ns), "NS"},
		{`https://127\.0\.0\.1:\d+`, "https://SERVER"},
		{`ops-bob-NS`, "ops-bob"},
		{`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`, "TIME"},
		{`last synced [0-9hms]+ ago`, "last synced AGO"},
		{`\d{4}-\d{2}-\d{2}`, "DATE"},
	} {
		s = regexp.MustCompile(re.re).ReplaceAllString(s, re.to)
	}
	return s
}

// TestTextGolden pins the human report of the scenario (-update rewrites).
func TestTextGolden(t *testing.T) {
	s := airflowScenario(t)
	kc := testcluster.Need(t, kube).Kubeconfig(testcluster.Admin)
	cfg := filepath.Join(t.TempDir(), ".airlock.yaml")
	if err := os.WriteFile(cfg, []byte("audit:\n  expectedSecretReaders: [\"User:auditor\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _ := cliRun(t, "audit", "--kubeconfig", kc, "-n", s.ns, "--config", cfg)
	got := normalize(out, s.ns)
	path := filepath.Join("testdata", "scenario.text.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("text report (-want +got):\n%s", diff)
	}
}

// TestConfigMapStorage: a release stored by Helm's ConfigMap driver is
// decoded too, and the storage itself is reported.
func TestConfigMapStorage(t *testing.T) {
	cs, _ := clients(t)
	ns := newNamespace(t, cs, "cmdriver")
	helmDeploy(t, ns, "etl", "configmap", airflowValues("Cm-Driver-Pw-5521"))
	helmDeploy(t, ns, "etl", "configmap", airflowValues("Cm-Driver-Pw-5521"))
	must[*rbacv1.Role](t)(cs.RbacV1().Roles(ns).Create(bg, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "cm-view"},
		Rules: []rbacv1.PolicyRule{policyRule([]string{"list"}, []string{"configmaps"})}}, metav1.CreateOptions{}))
	must[*rbacv1.RoleBinding](t)(cs.RbacV1().RoleBindings(ns).Create(bg, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "cm-view"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "cm-view"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "cm-viewer"}}}, metav1.CreateOptions{}))
	res, err := runAudit(t, testcluster.Admin, auditor.Options{Namespaces: []string{ns}, Policy: expectAuditor()})
	if err != nil {
		t.Fatal(err)
	}
	got := briefs(res.Findings, func(f audit.Finding) bool { return f.Check == audit.ReleaseHistory })
	want := []brief{
		{Rule: "database-password", Object: "HelmRelease " + ns + "/etl", Path: "externalDatabase.password", Severity: "high"},
		{Rule: "helm-release-in-configmap", Object: "HelmRelease " + ns + "/etl", Severity: "high"},
		{Rule: "insecure-default-admin-user", Object: "HelmRelease " + ns + "/etl", Path: "airflow.users[0].password", Severity: "critical"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("release findings (-want +got):\n%s", diff)
	}
	for _, f := range res.Findings {
		if f.RuleID == "database-password" && (f.Release == nil || !f.Release.InCurrent || f.Origin != audit.OriginReleaseCurrent || len(f.Release.Revisions) != 2) {
			t.Errorf("password in both revisions, current: %+v origin %s", f.Release, f.Origin)
		}
		if f.RuleID == "helm-release-in-configmap" && !strings.Contains(f.Message, "User cm-viewer") {
			t.Errorf("the ConfigMap storage finding does not name who can read the records: %s", f.Message)
		}
		if f.RuleID == "configmap-credential" {
			t.Errorf("the release record ConfigMap was scanned as an ordinary ConfigMap: %s", f.Message)
		}
	}
}

// TestAllNamespaces: -A audits the namespaces that run Airflow and no
// others.
func TestAllNamespaces(t *testing.T) {
	s := airflowScenario(t)
	cs, _ := clients(t)
	empty := newNamespace(t, cs, "no-airflow")
	createSecrets(t, cs, empty, secret("unrelated", map[string]string{"password": "x"}))
	start := time.Now()
	res, err := runAudit(t, testcluster.Admin, auditor.Options{AllNamespaces: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("-A audit of %d namespaces in %s", len(res.Namespaces), time.Since(start).Round(time.Millisecond))
	if !containsStr(res.Namespaces, s.ns) || containsStr(res.Namespaces, empty) {
		t.Errorf("namespaces %v: want %s, not %s", res.Namespaces, s.ns, empty)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.RuleID == "database-password" && f.Object.Namespace == s.ns
	}
	if !found {
		t.Error("-A misses the scenario's release history finding")
	}
}

// TestOtherCharts: releases of other charts are left out (and said so)
// unless --release names one; then the generic rules apply.
func TestOtherCharts(t *testing.T) {
	cs, _ := clients(t)
	ns := newNamespace(t, cs, "grafana")
	rel := &rspb.Release{Name: "grafana", Namespace: ns, Version: 1, Config: map[string]any{"adminPassword": "Graf-Admin-Pw-4410"},
		Info:  &rspb.Info{Status: "deployed", LastDeployed: time.Now()},
		Chart: &chartv2.Chart{Metadata: &chartv2.Metadata{Name: "grafana", Version: "9.0.0", APIVersion: "v2"}, Values: map[string]any{"adminUser": "admin"}}}
	if err := driver.NewSecrets(cs.CoreV1().Secrets(ns)).Create("sh.helm.release.v1.grafana.v1", rel); err != nil {
		t.Fatal(err)
	}
	res, err := runAudit(t, testcluster.Admin, auditor.Options{Namespaces: []string{ns}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Releases) != 0 || !strings.Contains(strings.Join(res.Notes, "\n"), "Helm releases grafana (grafana) are not of the airflow chart") {
		t.Errorf("releases %v, notes %v", res.Releases, res.Notes)
	}
	res, err = runAudit(t, testcluster.Admin, auditor.Options{Namespaces: []string{ns}, Release: "grafana"})
	if err != nil {
		t.Fatal(err)
	}
	got := briefs(res.Findings, func(f audit.Finding) bool { return f.Check == audit.ReleaseHistory })
	want := []brief{{Rule: "secret-key-name", Object: "HelmRelease " + ns + "/grafana", Path: "adminPassword", Severity: "high"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("--release grafana (-want +got):\n%s", diff)
	}
}
