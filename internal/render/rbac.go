package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// chartRBAC maps the chart templates that render Roles to the values
// switch that adds Secret access to them (chart knowledge, as data).
var chartRBAC = map[string]string{"templates/rbac/airflow-role.yaml": "rbac.secrets"}

// readVerbs are the verbs that disclose a Secret's data.
var readVerbs = []string{"get", "list", "watch", "*"}

// object is a Kubernetes object found in a document (Lists expanded).
type object struct {
	doc  *yamltree.Document
	node *yamltree.Node
}

func (o object) kind() string { return o.node.Get("kind").Text() }
func (o object) name() string { return o.node.Lookup("metadata", "name").Text() }
func (o object) ns() string   { return o.node.Lookup("metadata", "namespace").Text() }

func objects(docs []*yamltree.Document) []object {
	var out []object
	for _, d := range docs {
		if d == nil || d.Root == nil || d.Root.Kind != yamltree.Map {
			continue
		}
		if strings.HasSuffix(d.Root.Get("kind").Text(), "List") {
			if items := d.Root.Get("items"); items != nil {
				for _, it := range items.Items {
					if it.Kind == yamltree.Map {
						out = append(out, object{d, it})
					}
				}
			}
			continue
		}
		out = append(out, object{d, d.Root})
	}
	return out
}

// secretGrant is a rule of a Role that lets its subjects read Secrets.
type secretGrant struct {
	verbs, names []string
	node         *yamltree.Node
}

func texts(n *yamltree.Node) []string {
	var out []string
	if n != nil {
		for _, it := range n.Items {
			out = append(out, it.Text())
		}
	}
	return out
}

// secretGrants returns the rules of a Role or ClusterRole that grant a
// read verb on secrets in the core API group (wildcards included).
func secretGrants(role *yamltree.Node) []secretGrant {
	var out []secretGrant
	rules := role.Get("rules")
	if rules == nil {
		return nil
	}
	for _, r := range rules.Items {
		groups, resources, verbs := texts(r.Get("apiGroups")), texts(r.Get("resources")), texts(r.Get("verbs"))
		if !slices.Contains(groups, "") && !slices.Contains(groups, "*") {
			continue
		}
		if !slices.Contains(resources, "secrets") && !slices.Contains(resources, "*") {
			continue
		}
		var granted []string
		for _, v := range verbs {
			if slices.Contains(readVerbs, v) {
				granted = append(granted, v)
			}
		}
		if len(granted) > 0 {
			out = append(out, secretGrant{verbs: granted, names: texts(r.Get("resourceNames")), node: r})
		}
	}
	return out
}

// rbac reports Roles and ClusterRoles that grant reading Secrets, with the
// subjects bound to them and the workloads that run as those subjects.
func (c *checker) rbac() {
	objs := objects(c.docs)
	for _, role := range objs {
		if role.kind() != "Role" && role.kind() != "ClusterRole" {
			continue
		}
		grants := secretGrants(role.node)
		if len(grants) == 0 {
			continue
		}
		subjects := c.boundSubjects(role, objs)
		sev := finding.High
		var verbs, names []string
		restricted := true
		for _, g := range grants {
			verbs = append(verbs, g.verbs...)
			names = append(names, g.names...)
			restricted = restricted && len(g.names) > 0
		}
		scope := "every Secret in the namespace"
		if role.kind() == "ClusterRole" {
			scope = "Secrets (in every namespace where it is bound; cluster-wide through a ClusterRoleBinding)"
		}
		if restricted {
			sev, scope = finding.Medium, "the Secrets "+strings.Join(names, ", ")
		}
		who := "no binding in these manifests (yet)"
		if len(subjects) > 0 {
			who = "bound to " + strings.Join(subjects, "; ")
		} else {
			sev = finding.Low
		}
		msg := fmt.Sprintf("%s %s grants %s on %s; %s", role.kind(), role.name(), strings.Join(slices.Compact(verbs), ", "), scope, who)
		c.emit(renderrule.RBACSecrets, c.rbacPlace(role, grants[0].node, &msg), sev, msg, "", role.kind()+"/"+role.name())
	}
}

// rbacPlace points at the values switch for the chart's own Role, else at
// the rule in the manifest.
func (c *checker) rbacPlace(role object, rule *yamltree.Node, msg *string) place {
	at := manifestPlace(role.doc, rule)
	if !rendered(role.doc) {
		at.path = pathOf(role.doc, rule)
		return at
	}
	for suffix, path := range chartRBAC {
		if !strings.HasSuffix(role.doc.Src.Name, suffix) {
			continue
		}
		*msg = fmt.Sprintf("%s is true, so the scheduler, the workers and any DAG code running as the chart's service account can read Secrets; %s", path, *msg)
		if o, ok := c.trace.at(path); ok {
			return valuesPlace(o)
		}
		at.path = path
	}
	return at
}

// boundSubjects lists the subjects of every binding that grants the role,
// with the workloads running as each service account.
func (c *checker) boundSubjects(role object, objs []object) []string {
	var out []string
	for _, b := range objs {
		bk := b.kind()
		if bk != "RoleBinding" && bk != "ClusterRoleBinding" {
			continue
		}
		ref := b.node.Get("roleRef")
		if ref.Get("kind").Text() != role.kind() || ref.Get("name").Text() != role.name() {
			continue
		}
		if role.kind() == "Role" && (bk != "RoleBinding" || !sameNamespace(b.ns(), role.ns())) {
			continue
		}
		subjects := b.node.Get("subjects")
		if subjects == nil {
			continue
		}
		for _, s := range subjects.Items {
			out = append(out, c.describeSubject(s, b.ns()))
		}
	}
	return slices.Compact(out)
}

func (c *checker) describeSubject(s *yamltree.Node, bindingNS string) string {
	kind, name, ns := s.Get("kind").Text(), s.Get("name").Text(), s.Get("namespace").Text()
	d := kind + " " + name
	if kind != "ServiceAccount" {
		return d
	}
	if ns == "" {
		ns = bindingNS
	}
	var users []string
	for _, w := range c.set.Workloads {
		if w.ServiceAccount == name && sameNamespace(w.Namespace, ns) {
			users = append(users, w.Kind+" "+w.Name)
		}
	}
	users = slices.Compact(users)
	if len(users) > 0 {
		d += " (used by " + strings.Join(first(users, maxUses), ", ") + ")"
	}
	return d
}

// sameNamespace matches namespaces, an empty one matching any (the
// apply-time namespace), as workload.Set.Lookup does.
func sameNamespace(a, b string) bool { return a == b || a == "" || b == "" }
