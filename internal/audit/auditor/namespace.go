package auditor

import (
	"context"
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/access"
	"github.com/airlockhq/airlock/internal/audit/history"
	"github.com/airlockhq/airlock/internal/audit/inuse"
	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/audit/literal"
	"github.com/airlockhq/airlock/internal/source/cluster"
)

// auditScope reads one namespace (or all, ns "") and audits each
// namespace found in it.
func (a *run) auditScope(ctx context.Context, ns string) {
	s := readScope(ctx, a.c, ns, a.o.Release)
	for _, ok := range s.ok {
		if ok {
			a.reads++
		}
	}
	a.res.Gaps = append(a.res.Gaps, s.gaps...)
	if s.esoMissing {
		a.note("the External Secrets Operator is not installed (no " + cluster.ExternalSecretsGroup + " API): no ExternalSecret to check")
	}
	per := split(s)
	names := []string{ns}
	if ns == "" {
		names = sortedNames(per)
	}
	found := false
	for _, name := range names {
		raw := per[name]
		if raw == nil {
			raw = &inventory.Raw{}
		}
		for _, r := range raw.Releases {
			if r.Storage == cluster.SecretStorage {
				raw.ReleaseRecords = append(raw.ReleaseRecords, r.Object)
			}
		}
		var skipped string
		raw.Releases, skipped = a.airflowReleases(name, raw.Releases)
		inv, err := inventory.Build(name, raw)
		if err != nil {
			a.res.Gaps = append(a.res.Gaps, audit.Gap{Check: audit.SecretsInUse, What: "read objects of namespace " + name, Reason: "failed", Detail: err.Error()})
			continue
		}
		if ns == "" && len(inv.Releases) == 0 && len(inv.Airflow.Workloads) == 0 {
			continue // -A audits the namespaces that run Airflow
		}
		found = found || len(inv.Releases) > 0
		a.res.Namespaces = append(a.res.Namespaces, name)
		if skipped != "" {
			a.note(skipped)
		}
		a.checkNamespace(ctx, inv, s)
	}
	if a.o.Release != "" && !found && s.ok[rReleases] {
		a.note(fmt.Sprintf("Helm release %q not found in %s", a.o.Release, where(ns)))
	}
	if ns == "" && len(a.res.Namespaces) == 0 {
		a.note("no namespace runs Airflow (no airflow chart release, no workload labelled as Airflow)")
	}
}

func where(ns string) string {
	if ns == "" {
		return "any namespace"
	}
	return "namespace " + ns
}

func (a *run) note(n string) {
	for _, x := range a.res.Notes {
		if x == n {
			return
		}
	}
	a.res.Notes = append(a.res.Notes, n)
}

// airflowReleases keeps the releases of the airflow chart (either
// family), or the one release the user named, and says which it left out.
func (a *run) airflowReleases(ns string, rels []cluster.Release) ([]cluster.Release, string) {
	if a.o.Release != "" {
		return rels, ""
	}
	var keep []cluster.Release
	skipped := map[string]string{}
	for _, r := range rels {
		if r.Chart.Name == "airflow" {
			keep = append(keep, r)
			continue
		}
		skipped[r.Name] = r.Chart.Name
	}
	var names []string
	for n, chart := range skipped {
		names = append(names, n+" ("+chart+")")
	}
	sort.Strings(names)
	if len(names) == 0 {
		return keep, ""
	}
	return keep, fmt.Sprintf("namespace %s: Helm releases %s are not of the airflow chart and were not scanned (use --release NAME to scan one)", ns, strings.Join(names, ", "))
}

// checkNamespace runs the four checks, each only on what could be read.
func (a *run) checkNamespace(ctx context.Context, inv *inventory.Namespace, s *scope) {
	if s.ok[rReleases] || len(inv.Releases) > 0 {
		hr, problems := history.Scan(ctx, inv.Releases, history.Options{Registry: a.o.Registry, Config: a.o.Config})
		a.res.Findings = append(a.res.Findings, hr.Findings...)
		a.res.Releases = append(a.res.Releases, hr.Releases...)
		for _, n := range hr.Notes {
			a.note(n)
		}
		for _, p := range problems {
			a.res.Gaps = append(a.res.Gaps, audit.Gap{Check: audit.ReleaseHistory, What: "scan Helm release values", Reason: "failed", Detail: p.Error()})
		}
	}
	if a.rbacOK[rClusterBindings] || s.ok[rRoleBindings] {
		rb := &access.RBAC{ClusterRoles: a.crs, ClusterRoleBindings: a.crbs, Roles: inNS(s.roles, inv.Name, func(r rbacv1.Role) string { return r.Namespace }),
			RoleBindings: inNS(s.roleBindings, inv.Name, func(r rbacv1.RoleBinding) string { return r.Namespace })}
		readers := access.Readers(rb, inv.Name, "secrets")
		actx := &access.Context{Namespace: inv.Name, AirflowSAs: inv.Airflow.ServiceAccounts, AirflowRoles: inv.Airflow.Roles,
			ReleaseRecords: inv.ReleaseRecords, Policy: a.o.Policy}
		fs := access.Findings(readers, actx)
		a.res.Findings = append(a.res.Findings, fs...)
		a.recordReaders(inv.Name, fs)
		a.configMapReaders(inv.Name, access.Unexpected(access.Readers(rb, inv.Name, "configmaps"), actx))
	}
	if s.ok[rSecrets] {
		fs, notes := inuse.Check(inv, inuse.Options{Now: a.o.Now, Policy: a.o.Policy})
		a.res.Findings = append(a.res.Findings, fs...)
		for _, n := range notes {
			a.note(n)
		}
	}
	a.res.Findings = append(a.res.Findings, literal.Check(inv)...)
}

func inNS[T any](items []T, ns string, of func(T) string) []T {
	var out []T
	for _, it := range items {
		if of(it) == ns {
			out = append(out, it)
		}
	}
	return out
}

// configMapReaders names, in the finding about a release stored in
// ConfigMaps, who can read those ConfigMaps.
func (a *run) configMapReaders(ns string, subjects []audit.Subject) {
	for i := range a.res.Findings {
		f := &a.res.Findings[i]
		if f.RuleID != audit.RuleReleaseInConfigMap || f.Object.Namespace != ns {
			continue
		}
		if len(subjects) == 0 {
			f.Message += "; apart from Kubernetes system identities and expected readers, no one can read ConfigMaps in the namespace yet"
			continue
		}
		names := make([]string, len(subjects))
		for j, s := range subjects {
			names[j] = s.String()
		}
		f.Message += fmt.Sprintf("; %d identities can read them: %s", len(names), strings.Join(names, ", "))
	}
}

// recordReaders sums up, as a note, who beyond Kubernetes itself can read
// Helm's release records: they hold every value of every revision.
func (a *run) recordReaders(ns string, fs []audit.Finding) {
	var names []string
	for _, f := range fs {
		if f.Access != nil && !f.Access.Platform && len(f.Access.ReleaseRecords) > 0 {
			names = append(names, f.Access.Subject.String())
		}
	}
	if len(names) > 0 {
		a.note(fmt.Sprintf("namespace %s: %d identities besides Kubernetes' own and expected readers can read Helm's release records (every value of every revision): %s",
			ns, len(names), strings.Join(names, ", ")))
	}
}
