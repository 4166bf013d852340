// Package access answers "who can read Secrets here?" by evaluating RBAC
// the way the API server's authorizer does, from listed Roles,
// ClusterRoles and their bindings: ClusterRole aggregation (label
// selectors, resolved here because a cluster without a controller-manager
// never fills aggregated rules in), "*" in verbs, resources and API
// groups, and resourceNames restricting a rule to named objects.
//
// It reports one finding per subject with read access, graded by breadth,
// marks Airflow's own service accounts (workers run DAG code) and the
// subjects that can read Helm's release records, which hold every value
// of a release.
package access

import (
	"slices"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/airlockhq/airlock/internal/audit"
)

// ReadVerbs are the verbs that return a Secret's data.
var readVerbs = []string{"get", "list", "watch"}

// RBAC is what the evaluator reads: every ClusterRole and
// ClusterRoleBinding, and the Roles and RoleBindings of one namespace.
type RBAC struct {
	ClusterRoles        []rbacv1.ClusterRole
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
	Roles               []rbacv1.Role
	RoleBindings        []rbacv1.RoleBinding
}

// Reader is a subject with read access to a resource in a namespace.
type Reader struct {
	Subject audit.Subject
	Grants  []audit.Grant
}

// Scope is the broadest of the reader's grants.
func (r Reader) Scope() audit.Scope {
	scope := audit.ScopeNamed
	for _, g := range r.Grants {
		switch {
		case len(g.Names) > 0:
		case strings.HasPrefix(g.Binding, "ClusterRoleBinding "):
			return audit.ScopeCluster
		default:
			scope = audit.ScopeNamespace
		}
	}
	return scope
}

// CanRead reports whether the reader may read the named object.
func (r Reader) CanRead(name string) bool {
	for _, g := range r.Grants {
		if len(g.Names) == 0 || slices.Contains(g.Names, name) {
			return true
		}
	}
	return false
}

// Verbs is the union of the granted verbs, in get, list, watch order.
func (r Reader) Verbs() []string {
	var out []string
	for _, v := range readVerbs {
		for _, g := range r.Grants {
			if slices.Contains(g.Verbs, v) {
				out = append(out, v)
				break
			}
		}
	}
	return out
}

// Readers lists the subjects that can get, list or watch resource (in the
// core API group, e.g. "secrets") in namespace ns, sorted by subject.
func Readers(in *RBAC, ns, resource string) []Reader {
	clusterRules := aggregate(in.ClusterRoles)
	roleRules := map[string][]rbacv1.PolicyRule{}
	for _, r := range in.Roles {
		if r.Namespace == ns {
			roleRules[r.Name] = r.Rules
		}
	}
	bySubject := map[audit.Subject]*Reader{}
	add := func(subjects []rbacv1.Subject, bindingNS string, g audit.Grant) {
		for _, s := range subjects {
			sub := subjectOf(s, bindingNS)
			r := bySubject[sub]
			if r == nil {
				r = &Reader{Subject: sub}
				bySubject[sub] = r
			}
			r.Grants = append(r.Grants, g)
		}
	}
	for _, b := range in.ClusterRoleBindings {
		if b.RoleRef.Kind != "ClusterRole" {
			continue
		}
		for _, g := range grants(clusterRules[b.RoleRef.Name], resource) {
			g.Binding, g.Role, g.Default = "ClusterRoleBinding "+b.Name, "ClusterRole "+b.RoleRef.Name, bootstrap(b.ObjectMeta)
			add(b.Subjects, "", g)
		}
	}
	for _, b := range in.RoleBindings {
		if b.Namespace != ns {
			continue
		}
		var rules []rbacv1.PolicyRule
		role := ""
		switch b.RoleRef.Kind {
		case "ClusterRole":
			rules, role = clusterRules[b.RoleRef.Name], "ClusterRole "+b.RoleRef.Name
		case "Role":
			rules, role = roleRules[b.RoleRef.Name], "Role "+ns+"/"+b.RoleRef.Name
		}
		for _, g := range grants(rules, resource) {
			g.Binding, g.Role, g.Default = "RoleBinding "+ns+"/"+b.Name, role, bootstrap(b.ObjectMeta)
			add(b.Subjects, ns, g)
		}
	}
	out := make([]Reader, 0, len(bySubject))
	for _, r := range bySubject {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return subjectLess(out[i].Subject, out[j].Subject) })
	return out
}

func subjectLess(a, b audit.Subject) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// subjectOf normalises a binding subject. A ServiceAccount subject without
// a namespace means the binding's own (older clients wrote them so).
func subjectOf(s rbacv1.Subject, bindingNS string) audit.Subject {
	out := audit.Subject{Kind: s.Kind, Name: s.Name}
	if s.Kind == rbacv1.ServiceAccountKind {
		out.Namespace = s.Namespace
		if out.Namespace == "" {
			out.Namespace = bindingNS
		}
	}
	return out
}

// bootstrap reports Kubernetes' own default RBAC objects, which every
// cluster has and a user does not manage.
func bootstrap(m metav1.ObjectMeta) bool {
	return m.Labels["kubernetes.io/bootstrapping"] == "rbac-defaults"
}

// grants turns the rules of one role into the read grants they give on a
// core resource: one unrestricted grant, and one per set of names.
func grants(rules []rbacv1.PolicyRule, resource string) []audit.Grant {
	var all []string
	named := map[string][]string{} // name -> verbs
	for _, r := range rules {
		if !matchAny(r.APIGroups, "") || !matchResource(r.Resources, resource) {
			continue
		}
		verbs := readable(r.Verbs)
		if len(verbs) == 0 {
			continue
		}
		if len(r.ResourceNames) == 0 {
			all = union(all, verbs)
			continue
		}
		for _, n := range r.ResourceNames {
			named[n] = union(named[n], verbs)
		}
	}
	var out []audit.Grant
	if len(all) > 0 {
		out = append(out, audit.Grant{Verbs: all})
	}
	// Names whose verbs the unrestricted grant already covers add nothing.
	var names []string
	var nverbs []string
	for n, vs := range named {
		if len(union(all, vs)) == len(all) {
			continue
		}
		names = append(names, n)
		nverbs = union(nverbs, vs)
	}
	if len(names) > 0 {
		sort.Strings(names)
		out = append(out, audit.Grant{Verbs: nverbs, Names: names})
	}
	return out
}

func matchAny(list []string, want string) bool {
	return slices.Contains(list, rbacv1.APIGroupAll) || slices.Contains(list, want)
}

// matchResource: "*" covers every resource and subresource, "secrets"
// the resource itself; "*/x" style subresource wildcards do not grant the
// parent resource.
func matchResource(list []string, resource string) bool {
	return slices.Contains(list, rbacv1.ResourceAll) || slices.Contains(list, resource)
}

func readable(verbs []string) []string {
	if slices.Contains(verbs, rbacv1.VerbAll) {
		return append([]string(nil), readVerbs...)
	}
	var out []string
	for _, v := range readVerbs {
		if slices.Contains(verbs, v) {
			out = append(out, v)
		}
	}
	return out
}

// union keeps read verbs in canonical order.
func union(a, b []string) []string {
	var out []string
	for _, v := range readVerbs {
		if slices.Contains(a, v) || slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// aggregate returns every ClusterRole's effective rules: its own plus,
// for an aggregated role, the rules of every ClusterRole its selectors
// match, recursively (cycles are cut).
func aggregate(roles []rbacv1.ClusterRole) map[string][]rbacv1.PolicyRule {
	byName := map[string]*rbacv1.ClusterRole{}
	for i := range roles {
		byName[roles[i].Name] = &roles[i]
	}
	out := map[string][]rbacv1.PolicyRule{}
	var resolve func(name string, seen map[string]bool) []rbacv1.PolicyRule
	resolve = func(name string, seen map[string]bool) []rbacv1.PolicyRule {
		cr := byName[name]
		if cr == nil || seen[name] {
			return nil
		}
		seen[name] = true
		rules := append([]rbacv1.PolicyRule(nil), cr.Rules...)
		if cr.AggregationRule == nil {
			return rules
		}
		for _, sel := range cr.AggregationRule.ClusterRoleSelectors {
			s, err := metav1.LabelSelectorAsSelector(&sel)
			if err != nil || s.Empty() {
				continue // the API server rejects these; an empty one matches nothing in the controller either
			}
			for _, other := range roles {
				if other.Name != name && s.Matches(labels.Set(other.Labels)) {
					rules = append(rules, resolve(other.Name, seen)...)
				}
			}
		}
		return rules
	}
	for _, r := range roles {
		out[r.Name] = resolve(r.Name, map[string]bool{})
	}
	return out
}
