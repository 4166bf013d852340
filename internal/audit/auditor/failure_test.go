package auditor_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/cli"
	"github.com/airlockhq/airlock/internal/testcluster"
)

var (
	partialOnce sync.Once
	partialNS   string
)

// partialNamespace holds an Airflow release with a plaintext password in
// its deployed revision and a ConfigMap with a credential; "nsreader" may
// list its Secrets and ConfigMaps and nothing else anywhere. It is apart
// from the scenario so that nsreader's access shows in no other test.
func partialNamespace(t *testing.T) string {
	t.Helper()
	partialOnce.Do(func() {
		cs, _ := clients(t)
		ns := newNamespace(t, cs, "partial")
		helmDeploy(t, ns, "airflow", "secret", airflowValues("Part-Pw-7719"))
		must[*corev1.ConfigMap](t)(cs.CoreV1().ConfigMaps(ns).Create(bg, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "etl-config"},
			Data: map[string]string{"DATABASE_URL": "postgresql://etl:Cm-Pass-3318@db.internal:5432/etl"}}, metav1.CreateOptions{}))
		grantNSReader(t, ns)
		partialNS = ns
	})
	if partialNS == "" {
		t.Fatal("partial namespace setup failed earlier")
	}
	return partialNS
}

// grantNSReader lets "nsreader" list Secrets and ConfigMaps in ns.
func grantNSReader(t *testing.T, ns string) {
	t.Helper()
	cs, _ := clients(t)
	must[*rbacv1.Role](t)(cs.RbacV1().Roles(ns).Create(bg, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: "nsreader"},
		Rules: []rbacv1.PolicyRule{policyRule([]string{"list"}, []string{"secrets", "configmaps"})}}, metav1.CreateOptions{}))
	must[*rbacv1.RoleBinding](t)(cs.RbacV1().RoleBindings(ns).Create(bg, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "nsreader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "nsreader"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: "nsreader"}}}, metav1.CreateOptions{}))
	waitListAs(t, "nsreader", ns, "secrets")
}

func waitListAs(t *testing.T, user, ns, resource string) {
	t.Helper()
	cs, _ := clients(t)
	for i := 0; ; i++ {
		ok, err := canList(cs, user, ns, resource)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if i > 150 {
			t.Fatalf("%s still cannot list %s in %s", user, resource, ns)
		}
		sleep()
	}
}

// TestPartialAccess: an identity that can read only Secrets and
// ConfigMaps of the namespace still gets the release history and the
// ConfigMap checks; everything else is listed as not checked, never
// silently skipped.
func TestPartialAccess(t *testing.T) {
	ns := partialNamespace(t)
	res, err := runAudit(t, "nsreader", auditor.Options{Namespaces: []string{ns}})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.RuleID)
	}
	for _, want := range []string{"database-password", "insecure-default-admin-user", "configmap-credential"} {
		if !containsStr(rules, want) {
			t.Errorf("finding %s missing; got %v", want, rules)
		}
	}
	for _, resource := range []string{"pods", "deployments.apps", "cronjobs.batch", "clusterroles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "externalsecrets.external-secrets.io"} {
		if !hasGap(res.Gaps, resource) {
			t.Errorf("no gap for %s: %v", resource, res.Gaps)
		}
	}
	for _, g := range res.Gaps {
		if g.Reason != "forbidden" || !strings.Contains(g.Detail, `User "nsreader" cannot list`) {
			t.Errorf("gap does not say who was forbidden what: %s", g)
		}
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestNothingReadable(t *testing.T) {
	s := airflowScenario(t)
	res, err := runAudit(t, "nobody", auditor.Options{Namespaces: []string{s.ns}})
	if !errors.Is(err, auditor.ErrNothingAudited) {
		t.Fatalf("want ErrNothingAudited, got %v", err)
	}
	if res == nil || len(res.Gaps) < 10 || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("the error and result must say what was refused: %v; gaps %v", err, res)
	}
}

// cliRun runs the airlock command line in-process.
func cliRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(bg, args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// brokenKubeconfig writes a kubeconfig for server with the given token.
func brokenKubeconfig(t *testing.T, server, token string) string {
	t.Helper()
	c := testcluster.Need(t, kube)
	p := filepath.Join(t.TempDir(), "kubeconfig")
	cfg := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: %s\n    certificate-authority: %s\nusers:\n- name: u\n  user:\n    token: %s\ncontexts:\n- name: broken\n  context: {cluster: c, user: u, namespace: default}\ncurrent-context: broken\n",
		server, c.CAFile, token)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestCLIExitCodes(t *testing.T) {
	s := airflowScenario(t)
	c := testcluster.Need(t, kube)
	down := "https://" + closedPort(t)
	partial := partialNamespace(t)
	cs, _ := clients(t)
	plain := newNamespace(t, cs, "plain")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // regexp
		wantStdout string // regexp
	}{
		{name: "findings", args: []string{"audit", "--kubeconfig", c.Kubeconfig(testcluster.Admin), "-n", s.ns, "--no-config"},
			wantCode: 1, wantStderr: `^$`, wantStdout: `== Helm release history ==`},
		{name: "fail-on above every finding", args: []string{"audit", "--kubeconfig", c.Kubeconfig(testcluster.Admin), "-n", plain, "--no-config", "--release", "airflow", "--fail-on", "critical"},
			wantCode: 0, wantStdout: `note: Helm release "airflow" not found in namespace ` + plain},
		{name: "unreachable server", args: []string{"audit", "--kubeconfig", brokenKubeconfig(t, down, "x"), "--timeout", "5s"},
			wantCode: 2, wantStderr: `cannot reach the API server at ` + regexp.QuoteMeta(down) + ` \(context "broken"\)`},
		{name: "expired token", args: []string{"audit", "--kubeconfig", brokenKubeconfig(t, c.Server, "expired-token")},
			wantCode: 2, wantStderr: `rejected the credentials of context "broken" \(expired or invalid\)`},
		{name: "forbidden everywhere", args: []string{"audit", "--kubeconfig", c.Kubeconfig("nobody"), "-n", s.ns},
			wantCode: 2, wantStderr: `(?s)warning: not checked: list secrets in namespace ` + s.ns + `: forbidden.*nothing could be audited`},
		{name: "forbidden namespace beside a readable one", args: []string{"audit", "--kubeconfig", c.Kubeconfig("nsreader"), "-n", "kube-public", "-n", partial, "--no-config"},
			wantCode: 1, wantStderr: `not checked: list secrets in namespace kube-public: forbidden`, wantStdout: `(?s)database-password.*Not checked`},
		{name: "missing kubeconfig", args: []string{"audit", "--kubeconfig", filepath.Join(t.TempDir(), "none")},
			wantCode: 2, wantStderr: `kubeconfig`},
		{name: "unknown context", args: []string{"audit", "--kubeconfig", c.Kubeconfig(testcluster.Admin), "--context", "nope"},
			wantCode: 2, wantStderr: `context "nope"`},
		{name: "namespace and all", args: []string{"audit", "-n", "x", "-A"}, wantCode: 2, wantStderr: `mutually exclusive`},
		{name: "bad format", args: []string{"audit", "--format", "xml"}, wantCode: 2, wantStderr: `unknown format`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cliRun(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstderr: %s", code, tt.wantCode, stderr)
			}
			if tt.wantStderr != "" && !regexp.MustCompile(tt.wantStderr).MatchString(stderr) {
				t.Errorf("stderr does not match %q:\n%s", tt.wantStderr, stderr)
			}
			if tt.wantStdout != "" && !regexp.MustCompile(tt.wantStdout).MatchString(stdout) {
				t.Errorf("stdout does not match %q:\n%s", tt.wantStdout, stdout)
			}
		})
	}
}
