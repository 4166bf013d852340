package doc

import (
	"slices"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// access describes who can read the deployment's Secrets: the chart's
// RBAC switches, the service accounts pods run as with the Secrets their
// pods reference, and Roles that grant reading Secrets.
func (b *builder) access(docs []*yamltree.Document) Access {
	a := Access{
		RBACCreate:  b.switchSetting("rbac.create"),
		RBACSecrets: b.switchSetting("rbac.secrets"),
	}
	if b.set != nil {
		a.Grants = secretGrants(docs)
		a.Accounts = b.renderedAccounts(a.Grants)
	} else {
		a.Grants, a.Accounts = b.valuesAccess()
	}
	for _, acc := range a.Accounts {
		switch {
		case acc.ReadsAll && acc.Expected:
			a.Notes = append(a.Notes, "Service account "+acc.Name+" can read every Secret in the namespace; audit.expectedSecretReaders lists it as intended.")
		case acc.ReadsAll:
			a.Notes = append(a.Notes, "Service account "+acc.Name+" can read every Secret in the namespace, not only those listed here: any code running as it ("+
				strings.Join(acc.Components, ", ")+", and DAG code on them) can read them all. Set rbac.secrets: false unless a secrets backend needs it.")
		}
	}
	if !a.RBACSecrets.truthy() {
		a.Notes = append(a.Notes, "The chart's Role grants no access to Secrets (rbac.secrets is false): pods receive only the Secrets their specs reference.")
	}
	return a
}

func (b *builder) switchSetting(path string) Setting {
	n := b.at(path)
	v := n.Text()
	if n == nil {
		v = "(unset)"
	}
	return Setting{Path: path, Value: v, Where: where(n)}
}

func (s Setting) truthy() bool { b, _ := yamltree.ParseBool11(s.Value); return b }

// renderedAccounts groups the rendered workloads by service account.
func (b *builder) renderedAccounts(grants []Grant) []Account {
	byName := map[string]*Account{}
	for _, w := range b.set.Workloads {
		acc, ok := byName[w.ServiceAccount]
		if !ok {
			acc = &Account{Name: w.ServiceAccount, Automount: "default (yes)"}
			byName[w.ServiceAccount] = acc
		}
		acc.Workloads = appendNew(acc.Workloads, workloadName(w))
		acc.Components = appendNew(acc.Components, component(w))
		if w.AutomountToken != nil {
			acc.Automount = map[bool]string{true: "yes", false: "no"}[*w.AutomountToken]
		}
		for _, s := range podSecrets(b.set, w) {
			acc.Secrets = appendNew(acc.Secrets, s)
		}
	}
	var out []Account
	for _, name := range sortedKeys(boolKeys(byName)) {
		acc := byName[name]
		sort.Strings(acc.Workloads)
		sort.Strings(acc.Components)
		sort.Strings(acc.Secrets)
		acc.ReadsAll = readsAll(grants, acc.Name)
		acc.Expected = b.cfg.Policy.IsExpected("ServiceAccount", b.o.Namespace, acc.Name) || b.cfg.Policy.IsExpected("ServiceAccount", "", acc.Name)
		out = append(out, *acc)
	}
	return out
}

// podSecrets lists the Secrets a pod references: env, envFrom, volumes.
func podSecrets(set *workload.Set, w *workload.Workload) []string {
	var out []string
	for _, c := range w.Containers {
		for _, e := range c.Env {
			if e.From != nil && e.From.Kind == workload.SecretRef {
				out = appendNew(out, e.From.Name)
			}
		}
		for _, ef := range c.EnvFrom {
			if ef.Kind == workload.SecretRef {
				out = appendNew(out, ef.Name)
			}
		}
	}
	for _, v := range w.Volumes {
		for _, s := range v.Sources {
			if s.Kind == workload.SecretRef {
				out = appendNew(out, s.Name)
			}
		}
	}
	return out
}

// valuesAccess describes the chart's service account and Role from the
// values alone: every Airflow pod runs as one service account.
func (b *builder) valuesAccess() ([]Grant, []Account) {
	name := b.text("serviceAccount.name")
	if name == "" {
		name = "default"
		if b.enabled("serviceAccount.create", true) {
			name = b.release
		}
	}
	acc := Account{Name: name, Components: b.airflowPods(), Automount: "default (yes)"}
	for _, s := range b.secrets {
		for _, c := range s.Consumers {
			if c.Via != "" && c.Mode != "other" {
				acc.Secrets = appendNew(acc.Secrets, c.Via)
			}
		}
	}
	sort.Strings(acc.Secrets)
	var grants []Grant
	if b.enabled("rbac.create", true) && b.enabled("rbac.secrets", false) {
		grants = []Grant{{Role: "Role " + b.release, Verbs: []string{"get", "list", "watch"}, Scope: "every Secret in the namespace",
			Subjects: []string{"ServiceAccount " + name}}}
		acc.ReadsAll = true
	}
	acc.Expected = b.cfg.Policy.IsExpected("ServiceAccount", b.o.Namespace, name)
	return grants, []Account{acc}
}

// secretGrants reads Roles and ClusterRoles that let subjects get, list or
// watch Secrets, with the subjects their bindings name.
func secretGrants(docs []*yamltree.Document) []Grant {
	var out []Grant
	for _, d := range docs {
		kind := d.Root.Get("kind").Text()
		if kind != "Role" && kind != "ClusterRole" {
			continue
		}
		name := d.Root.Lookup("metadata", "name").Text()
		g := Grant{Role: kind + " " + name}
		var names []string
		rules := d.Root.Get("rules")
		if rules == nil {
			continue
		}
		for _, r := range rules.Items {
			if !hasAny(r.Get("apiGroups"), "", "*") || !hasAny(r.Get("resources"), "secrets", "*") {
				continue
			}
			for _, v := range items(r.Get("verbs")) {
				if slices.Contains([]string{"get", "list", "watch", "*"}, v.Text()) {
					g.Verbs = appendNew(g.Verbs, v.Text())
				}
			}
			for _, rn := range items(r.Get("resourceNames")) {
				names = append(names, rn.Text())
			}
		}
		if len(g.Verbs) == 0 {
			continue
		}
		g.Scope = "every Secret in the namespace"
		if len(names) > 0 {
			g.Scope = "the Secrets " + strings.Join(names, ", ")
		}
		g.Subjects = boundSubjects(docs, kind, name)
		out = append(out, g)
	}
	return out
}

func boundSubjects(docs []*yamltree.Document, kind, name string) []string {
	var out []string
	for _, d := range docs {
		bk := d.Root.Get("kind").Text()
		ref := d.Root.Get("roleRef")
		if (bk != "RoleBinding" && bk != "ClusterRoleBinding") || ref.Get("kind").Text() != kind || ref.Get("name").Text() != name {
			continue
		}
		if subjects := d.Root.Get("subjects"); subjects != nil {
			for _, s := range subjects.Items {
				out = appendNew(out, s.Get("kind").Text()+" "+s.Get("name").Text())
			}
		}
	}
	sort.Strings(out)
	return out
}

// readsAll reports a service account bound to a grant on every Secret.
func readsAll(grants []Grant, sa string) bool {
	return slices.ContainsFunc(grants, func(g Grant) bool {
		return strings.HasPrefix(g.Scope, "every") && slices.Contains(g.Subjects, "ServiceAccount "+sa)
	})
}

func hasAny(n *yamltree.Node, want ...string) bool {
	if n == nil {
		return false
	}
	return slices.ContainsFunc(n.Items, func(it *yamltree.Node) bool { return slices.Contains(want, it.Text()) })
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func boolKeys[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// items returns a sequence's items; nil for anything else.
func items(n *yamltree.Node) []*yamltree.Node {
	if n == nil || n.Kind != yamltree.Seq {
		return nil
	}
	return n.Items
}
