package auditor_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/testcluster"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// manifestRoles reads the ClusterRoles of deploy/audit-rbac.yaml.
func manifestRoles(t *testing.T) []rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testfixture.Root(), "deploy", "audit-rbac.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var roles []rbacv1.ClusterRole
	for _, doc := range strings.Split(string(data), "\n---") {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatalf("deploy/audit-rbac.yaml: %v", err)
		}
		if meta.Kind != "ClusterRole" {
			continue
		}
		var r rbacv1.ClusterRole
		if err := yaml.UnmarshalStrict([]byte(doc), &r); err != nil {
			t.Fatalf("deploy/audit-rbac.yaml: %v", err)
		}
		roles = append(roles, r)
	}
	if len(roles) != 2 {
		t.Fatalf("deploy/audit-rbac.yaml: want 2 ClusterRoles, got %d", len(roles))
	}
	return roles
}

// installAuditorRBAC creates the shipped ClusterRoles and binds them to
// the "auditor" user as the manifest's comments instruct: the cluster role
// cluster-wide, the namespaced one in ns.
func installAuditorRBAC(t *testing.T, cs kubernetes.Interface, ns string) {
	t.Helper()
	for _, r := range manifestRoles(t) {
		if _, err := cs.RbacV1().ClusterRoles().Create(bg, &r, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	auditorUser := rbacv1.Subject{Kind: "User", APIGroup: rbacv1.GroupName, Name: "auditor"}
	ref := func(name string) rbacv1.RoleRef {
		return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
	}
	must[*rbacv1.ClusterRoleBinding](t)(cs.RbacV1().ClusterRoleBindings().Create(bg, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "airlock-audit-cluster"}, RoleRef: ref("airlock-audit-cluster"), Subjects: []rbacv1.Subject{auditorUser}}, metav1.CreateOptions{}))
	must[*rbacv1.RoleBinding](t)(cs.RbacV1().RoleBindings(ns).Create(bg, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "airlock-audit"}, RoleRef: ref("airlock-audit"), Subjects: []rbacv1.Subject{auditorUser}}, metav1.CreateOptions{}))
	waitList(t, cs, ns, "", "secrets", true)
}

// TestLeastPrivilegeManifest shows that the shipped ClusterRoles, bound to
// the "auditor" user by the scenario, are enough (the audit sees exactly
// what the admin's does, with nothing unchecked) and that no rule is
// superfluous (without any one of them, the audit reports a gap).
func TestLeastPrivilegeManifest(t *testing.T) {
	s := airflowScenario(t)
	cs, _ := clients(t)
	roles := manifestRoles(t)
	for _, r := range roles {
		for _, rule := range r.Rules {
			if len(rule.Verbs) != 1 || rule.Verbs[0] != "list" {
				t.Errorf("%s grants %v; the audit only lists", r.Name, rule.Verbs)
			}
		}
	}
	o := auditor.Options{Namespaces: []string{s.ns}, Now: s.created.Add(100 * 24 * time.Hour), Policy: expectAuditor()}
	asAdmin, err := runAudit(t, testcluster.Admin, o)
	if err != nil {
		t.Fatal(err)
	}
	asAuditor, err := runAudit(t, "auditor", o)
	if err != nil {
		t.Fatal(err)
	}
	all := func(audit.Finding) bool { return true }
	if diff := cmp.Diff(briefs(asAdmin.Findings, all), briefs(asAuditor.Findings, all)); diff != "" {
		t.Errorf("the auditor sees a different audit than the admin (-admin +auditor):\n%s", diff)
	}
	if len(asAuditor.Gaps) > 0 {
		t.Errorf("the manifest is not enough: %v", asAuditor.Gaps)
	}

	for _, r := range roles {
		for i, rule := range r.Rules {
			t.Run(r.Name+"/"+strings.Join(rule.Resources, ","), func(t *testing.T) {
				withoutRule(t, cs, r, i, func() {
					res, err := runAudit(t, "auditor", o)
					if err != nil {
						t.Fatal(err)
					}
					for _, resource := range rule.Resources {
						if !hasGap(res.Gaps, resource) {
							t.Errorf("without list %s the audit reports no gap (gaps: %v): the rule is superfluous or a read fails silently", resource, res.Gaps)
						}
					}
				})
			})
		}
	}
}

func expectAuditor() policy.Policy {
	p := policy.Default()
	p.Expected = []policy.Subject{{Kind: "User", Name: "auditor"}}
	return p
}

func hasGap(gaps []audit.Gap, resource string) bool {
	for _, g := range gaps {
		if g.Reason == "forbidden" && strings.Contains(g.What, " "+resource) {
			return true
		}
	}
	return false
}

// withoutRule drops rule i from the ClusterRole, waits until the
// authorizer denies it, runs fn and restores the role.
func withoutRule(t *testing.T, cs kubernetes.Interface, r rbacv1.ClusterRole, i int, fn func()) {
	t.Helper()
	cur := must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Get(bg, r.Name, metav1.GetOptions{}))
	full := cur.Rules
	cur.Rules = append(append([]rbacv1.PolicyRule(nil), full[:i]...), full[i+1:]...)
	cur = must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Update(bg, cur, metav1.UpdateOptions{}))
	rule := full[i]
	ns := shared.ns
	if r.Name == "airlock-audit-cluster" {
		ns = ""
	}
	waitList(t, cs, ns, rule.APIGroups[0], rule.Resources[0], false)
	defer func() {
		cur.Rules = full
		must[*rbacv1.ClusterRole](t)(cs.RbacV1().ClusterRoles().Update(bg, cur, metav1.UpdateOptions{}))
		waitList(t, cs, ns, rule.APIGroups[0], rule.Resources[0], true)
	}()
	fn()
}

// waitList waits until the authorizer's view of "auditor may list
// resource" is want (RBAC changes reach it through an informer).
func waitList(t *testing.T, cs kubernetes.Interface, ns, group, resource string, want bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := must[*authzv1.SubjectAccessReview](t)(cs.AuthorizationV1().SubjectAccessReviews().Create(bg, &authzv1.SubjectAccessReview{
			Spec: authzv1.SubjectAccessReviewSpec{User: "auditor", ResourceAttributes: &authzv1.ResourceAttributes{
				Namespace: ns, Verb: "list", Group: group, Resource: resource}}}, metav1.CreateOptions{}))
		if r.Status.Allowed == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("auditor list %s in %q: allowed=%v after 15s, want %v", resource, ns, r.Status.Allowed, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
