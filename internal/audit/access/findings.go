package access

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Context is what the findings need to know about the namespace.
type Context struct {
	Namespace string
	// AirflowSAs are the service accounts Airflow pods run as, by name.
	AirflowSAs map[string]bool
	// AirflowRoles are the Roles and ClusterRoles Airflow's Helm release
	// created ("Role airflow" / "ClusterRole x"): a grant through one of
	// them is the chart's rbac.secrets setting.
	AirflowRoles map[string]bool
	// ReleaseRecords are the Helm release record Secrets of the namespace.
	ReleaseRecords []string
	Policy         policy.Policy
}

// broadGroups contain every identity (or every service account): a grant
// to one of them is a grant to Airflow's workers too.
func broadGroup(s audit.Subject, ns string) bool {
	switch {
	case s.Kind == "User" && s.Name == "system:anonymous":
		return true
	case s.Kind != "Group":
		return false
	}
	switch s.Name {
	case "system:authenticated", "system:unauthenticated", "system:serviceaccounts", "system:serviceaccounts:" + ns:
		return true
	}
	return false
}

// platform reports identities Kubernetes itself uses (controllers, the
// scheduler, cluster admins) and ones the config lists as expected.
func platform(r Reader, c *Context) bool {
	s := r.Subject
	if c.Policy.IsExpected(s.Kind, s.Namespace, s.Name) {
		return true
	}
	switch {
	case s.Kind == "ServiceAccount" && s.Namespace == "kube-system":
		return true
	case s.Kind == "User" && strings.HasPrefix(s.Name, "system:") && s.Name != "system:anonymous":
		return true
	case s.Kind == "Group" && s.Name == "system:masters":
		return true
	}
	for _, g := range r.Grants {
		if !g.Default {
			return false
		}
	}
	return !broadGroup(s, c.Namespace)
}

// Findings grades each Secret reader of the namespace.
func Findings(readers []Reader, c *Context) []audit.Finding {
	out := make([]audit.Finding, 0, len(readers))
	for _, r := range readers {
		out = append(out, readerFinding(r, c))
	}
	return out
}

func readerFinding(r Reader, c *Context) audit.Finding {
	d := &audit.AccessDetail{Subject: r.Subject, Scope: r.Scope(), Verbs: r.Verbs(), Grants: r.Grants, Platform: platform(r, c)}
	broad := broadGroup(r.Subject, c.Namespace)
	d.Airflow = broad || r.Subject.Kind == "ServiceAccount" && r.Subject.Namespace == c.Namespace && c.AirflowSAs[r.Subject.Name]
	if d.Scope == audit.ScopeNamed {
		for _, g := range r.Grants {
			d.Names = union2(d.Names, g.Names)
		}
	}
	for _, n := range c.ReleaseRecords {
		if r.CanRead(n) {
			d.ReleaseRecords = append(d.ReleaseRecords, n)
		}
	}
	m := audit.Meta(audit.RuleSecretReader)
	if d.Airflow && !d.Platform {
		m = audit.Meta(audit.RuleAirflowSecretReader)
	}
	f := finding.Finding{RuleID: m.ID, Class: m.Class, Severity: severity(d, broad), Message: message(d, c),
		Remediation: remediation(m, r, c), Origin: audit.OriginCluster}
	obj := audit.Object{Kind: r.Subject.Kind, Namespace: r.Subject.Namespace, Name: r.Subject.Name}
	f.Fingerprint = audit.Fingerprint(m.ID, obj.URI(), c.Namespace)
	return audit.Finding{Finding: f, Check: audit.SecretAccess, Object: obj, Access: d}
}

// severity grades by who and how broadly: a group holding everyone is
// critical, Airflow's accounts rank above other identities, a cluster-wide
// grant above a namespace one above named Secrets; reading Helm's release
// records (all values) lifts a named grant one step.
func severity(d *audit.AccessDetail, broad bool) finding.Severity {
	switch {
	case d.Platform:
		return finding.Info
	case broad:
		return finding.Critical
	}
	sev := map[audit.Scope]finding.Severity{audit.ScopeCluster: finding.High, audit.ScopeNamespace: finding.Medium, audit.ScopeNamed: finding.Low}[d.Scope]
	if d.Airflow {
		sev++
	}
	if d.Scope == audit.ScopeNamed && len(d.ReleaseRecords) > 0 {
		sev++
	}
	return min(sev, finding.Critical)
}

func message(d *audit.AccessDetail, c *Context) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s can %s ", d.Subject, strings.Join(d.Verbs, "/"))
	switch d.Scope {
	case audit.ScopeCluster:
		b.WriteString("every Secret in every namespace")
	case audit.ScopeNamespace:
		fmt.Fprintf(&b, "every Secret in namespace %s", c.Namespace)
	default:
		fmt.Fprintf(&b, "the Secrets %s in namespace %s", strings.Join(d.Names, ", "), c.Namespace)
	}
	var via []string
	for _, g := range d.Grants {
		via = append(via, g.Role+" via "+g.Binding)
	}
	fmt.Fprintf(&b, " (%s)", strings.Join(via, "; "))
	switch {
	case d.Airflow && d.Subject.Kind == "ServiceAccount":
		b.WriteString("; Airflow pods run as this service account, so DAG code can read them")
	case d.Airflow:
		b.WriteString("; the group includes Airflow's service accounts, so DAG code can read them")
	}
	if len(d.ReleaseRecords) > 0 {
		fmt.Fprintf(&b, "; this includes %d Helm release records, which hold every value of their releases", len(d.ReleaseRecords))
	}
	if d.Platform {
		b.WriteString(" (a Kubernetes system identity, a cluster admin group, or expected by .airlock.yaml)")
	}
	return b.String()
}

// remediation names the chart setting when a grant comes from a Role the
// Airflow release created (rbac.secrets: true).
func remediation(m rule.Meta, r Reader, c *Context) string {
	for _, g := range r.Grants {
		if !c.AirflowRoles[g.Role] {
			continue
		}
		if m.ID == audit.RuleAirflowSecretReader {
			return fmt.Sprintf("Set rbac.secrets: false in the chart values (%s comes from the chart), and give DAGs credentials through Airflow connections or a secrets backend instead.", g.Role)
		}
		return m.Remediation + fmt.Sprintf(" %s comes from the Airflow chart: set rbac.secrets: false.", g.Role)
	}
	return m.Remediation
}

func union2(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Unexpected returns the readers that are neither Kubernetes system
// identities nor expected by the config: the ones a user must look at.
func Unexpected(readers []Reader, c *Context) []audit.Subject {
	var out []audit.Subject
	for _, r := range readers {
		if !platform(r, c) {
			out = append(out, r.Subject)
		}
	}
	return out
}
