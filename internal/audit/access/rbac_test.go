package access_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/access"
	"github.com/airlockhq/airlock/internal/audit/policy"
)

const ns = "airflow"

func rule(groups, resources, verbs []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: groups, Resources: resources, Verbs: verbs, ResourceNames: names}
}

var (
	core    = []string{""}
	secrets = []string{"secrets"}
	get     = []string{"get"}
)

func role(name string, rules ...rbacv1.PolicyRule) rbacv1.Role {
	return rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Rules: rules}
}

func clusterRole(name string, labels map[string]string, agg []map[string]string, rules ...rbacv1.PolicyRule) rbacv1.ClusterRole {
	cr := rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
	if agg != nil {
		cr.AggregationRule = &rbacv1.AggregationRule{}
		for _, m := range agg {
			cr.AggregationRule.ClusterRoleSelectors = append(cr.AggregationRule.ClusterRoleSelectors, metav1.LabelSelector{MatchLabels: m})
		}
	}
	return cr
}

func rb(name, bindingNS, kind, roleName string, subjects ...rbacv1.Subject) rbacv1.RoleBinding {
	return rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: bindingNS},
		RoleRef: rbacv1.RoleRef{Kind: kind, Name: roleName}, Subjects: subjects}
}

func crb(name, roleName string, subjects ...rbacv1.Subject) rbacv1.ClusterRoleBinding {
	return rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: roleName}, Subjects: subjects}
}

func user(n string) rbacv1.Subject  { return rbacv1.Subject{Kind: "User", Name: n} }
func group(n string) rbacv1.Subject { return rbacv1.Subject{Kind: "Group", Name: n} }
func sa(namespace, n string) rbacv1.Subject {
	return rbacv1.Subject{Kind: "ServiceAccount", Namespace: namespace, Name: n}
}

// summary is one reader as a test states it: "User x: namespace get,list".
type summary struct {
	Subject string
	Scope   audit.Scope
	Verbs   []string
	Names   []string
}

func summarize(rs []access.Reader) []summary {
	var out []summary
	for _, r := range rs {
		s := summary{Subject: r.Subject.String(), Scope: r.Scope(), Verbs: r.Verbs()}
		for _, g := range r.Grants {
			s.Names = append(s.Names, g.Names...)
		}
		out = append(out, s)
	}
	return out
}

func TestReaders(t *testing.T) {
	tests := []struct {
		name string
		in   access.RBAC
		want []summary
	}{
		{
			name: "role and binding in the namespace",
			in: access.RBAC{Roles: []rbacv1.Role{role("r", rule(core, secrets, []string{"get", "list"}))},
				RoleBindings: []rbacv1.RoleBinding{rb("b", ns, "Role", "r", user("alice"))}},
			want: []summary{{Subject: "User alice", Scope: audit.ScopeNamespace, Verbs: []string{"get", "list"}}},
		},
		{
			name: "bindings in other namespaces do not count here",
			in: access.RBAC{Roles: []rbacv1.Role{role("r", rule(core, secrets, get))},
				RoleBindings: []rbacv1.RoleBinding{rb("b", "other", "Role", "r", user("alice"))}},
			want: nil,
		},
		{
			name: "wildcards in groups, resources and verbs",
			in: access.RBAC{ClusterRoles: []rbacv1.ClusterRole{clusterRole("all", nil, nil, rule([]string{"*"}, []string{"*"}, []string{"*"}))},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("b", "all", group("admins"))}},
			want: []summary{{Subject: "Group admins", Scope: audit.ScopeCluster, Verbs: []string{"get", "list", "watch"}}},
		},
		{
			name: "not the core group, not a read verb, a subresource, another resource",
			in: access.RBAC{Roles: []rbacv1.Role{role("r",
				rule([]string{"apps"}, secrets, get),
				rule(core, secrets, []string{"create", "update", "delete", "patch"}),
				rule(core, []string{"secrets/status"}, get),
				rule(core, []string{"configmaps"}, []string{"*"}))},
				RoleBindings: []rbacv1.RoleBinding{rb("b", ns, "Role", "r", user("bob"))}},
			want: nil,
		},
		{
			name: "resourceNames restrict; an unrestricted grant of the same verb absorbs them",
			in: access.RBAC{Roles: []rbacv1.Role{
				role("named", rule(core, secrets, get, "db", "keys")),
				role("all", rule(core, secrets, []string{"list"}))},
				RoleBindings: []rbacv1.RoleBinding{rb("b1", ns, "Role", "named", user("carol"), user("dan")), rb("b2", ns, "Role", "all", user("dan"))}},
			want: []summary{
				{Subject: "User carol", Scope: audit.ScopeNamed, Verbs: []string{"get"}, Names: []string{"db", "keys"}},
				{Subject: "User dan", Scope: audit.ScopeNamespace, Verbs: []string{"get", "list"}, Names: []string{"db", "keys"}},
			},
		},
		{
			name: "RoleBinding to a ClusterRole grants the namespace only",
			in: access.RBAC{ClusterRoles: []rbacv1.ClusterRole{clusterRole("view-secrets", nil, nil, rule(core, secrets, []string{"watch"}))},
				RoleBindings: []rbacv1.RoleBinding{rb("b", ns, "ClusterRole", "view-secrets", sa("", "worker"))}},
			want: []summary{{Subject: "ServiceAccount airflow/worker", Scope: audit.ScopeNamespace, Verbs: []string{"watch"}}},
		},
		{
			name: "aggregation follows labels, recursively, and survives a cycle",
			in: access.RBAC{ClusterRoles: []rbacv1.ClusterRole{
				clusterRole("top", map[string]string{"agg-b": "1"}, []map[string]string{{"agg-a": "1"}}),
				clusterRole("middle", map[string]string{"agg-a": "1"}, []map[string]string{{"agg-b": "1"}}),
				clusterRole("leaf", map[string]string{"agg-b": "1"}, nil, rule(core, secrets, get)),
				clusterRole("unlabelled", nil, nil, rule(core, secrets, []string{"list"}))},
				ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("b", "top", user("erin"))}},
			want: []summary{{Subject: "User erin", Scope: audit.ScopeCluster, Verbs: []string{"get"}}},
		},
		{
			name: "a missing role grants nothing",
			in:   access.RBAC{ClusterRoleBindings: []rbacv1.ClusterRoleBinding{crb("b", "gone", user("frank"))}},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(access.Readers(&tt.in, ns, "secrets"))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("readers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindingsSeverity(t *testing.T) {
	boot := metav1.ObjectMeta{Name: "system:controller:x", Labels: map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"}}
	in := &access.RBAC{
		Roles: []rbacv1.Role{role("airflow", rule(core, secrets, get, "sh.helm.release.v1.airflow.v1")), role("named", rule(core, secrets, get, "db"))},
		ClusterRoles: []rbacv1.ClusterRole{clusterRole("all", nil, nil, rule(core, secrets, []string{"list"})),
			{ObjectMeta: metav1.ObjectMeta{Name: "ctl"}, Rules: []rbacv1.PolicyRule{rule(core, secrets, []string{"list"})}}},
		RoleBindings: []rbacv1.RoleBinding{
			rb("airflow", ns, "Role", "airflow", sa(ns, "airflow")),
			rb("named", ns, "Role", "named", user("gina"), user("eso")),
			rb("everyone", ns, "ClusterRole", "all", group("system:serviceaccounts:"+ns)),
		},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{
			crb("ops", "all", user("hank")),
			{ObjectMeta: boot, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "ctl"}, Subjects: []rbacv1.Subject{sa("kube-system", "x-controller")}},
		},
	}
	c := &access.Context{Namespace: ns, AirflowSAs: map[string]bool{"airflow": true}, AirflowRoles: map[string]bool{"Role airflow/airflow": true},
		ReleaseRecords: []string{"sh.helm.release.v1.airflow.v1"}, Policy: policy.Policy{Expected: []policy.Subject{{Kind: "User", Name: "eso"}}}}
	type graded struct{ Subject, Rule, Severity string }
	var got []graded
	for _, f := range access.Findings(access.Readers(in, ns, "secrets"), c) {
		got = append(got, graded{f.Access.Subject.String(), f.RuleID, f.Severity.String()})
	}
	want := []graded{
		{"Group system:serviceaccounts:airflow", "airflow-sa-secret-reader", "critical"},
		{"ServiceAccount airflow/airflow", "airflow-sa-secret-reader", "high"}, // named, +1 Airflow, +1 release records
		{"ServiceAccount kube-system/x-controller", "secret-reader", "info"},
		{"User eso", "secret-reader", "info"},
		{"User gina", "secret-reader", "low"},
		{"User hank", "secret-reader", "high"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grades (-want +got):\n%s", diff)
	}
}
