// Package auditor runs `airlock audit`: it reads the cluster through the
// cluster source, assembles each namespace's inventory and runs the four
// checks, collecting findings and, for every read that failed, a gap that
// says what could not be checked. It fails only when nothing at all could
// be read.
package auditor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/source/cluster"
)

// Options configure an audit.
type Options struct {
	// Namespaces to audit; empty means the kubeconfig context's namespace.
	Namespaces []string
	// AllNamespaces audits every namespace that runs Airflow.
	AllNamespaces bool
	// Release restricts the audit to one Helm release (of any chart).
	Release  string
	Policy   policy.Policy
	Registry *rule.Registry
	// Config filters findings (disabled rules, severities, allowlists).
	Config *config.Config
	// Now is the audit's clock; zero means time.Now.
	Now time.Time
}

// ErrNothingAudited wraps the failure of an audit that could read
// nothing: an unreachable server, rejected credentials, or every read
// forbidden.
var ErrNothingAudited = errors.New("nothing could be audited")

// Run audits the cluster.
func Run(ctx context.Context, c *cluster.Client, o Options) (*audit.Result, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Policy.Rotation == nil {
		o.Policy = policy.Default()
	}
	if o.Config == nil {
		o.Config = config.Default()
	}
	info := c.Info()
	res := &audit.Result{Server: info.Server, Context: info.Context}
	v, err := c.Check(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNothingAudited, explain(err, info))
	}
	res.ServerVersion = v
	a := &run{c: c, o: o, res: res}
	a.readClusterRBAC(ctx)
	switch {
	case o.AllNamespaces:
		a.auditScope(ctx, "")
	default:
		nss := o.Namespaces
		if len(nss) == 0 {
			nss = []string{info.Namespace}
		}
		for _, ns := range nss {
			a.auditScope(ctx, ns)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Strings(res.Namespaces)
	if a.reads == 0 {
		return res, fmt.Errorf("%w: every read was refused or failed (first: %s)", ErrNothingAudited, firstGap(res.Gaps))
	}
	res.Reads = a.reads
	a.filter()
	sortFindings(res.Findings)
	return res, nil
}

// explain turns a failed connection check into advice.
func explain(err error, info cluster.Info) error {
	switch cluster.ReasonOf(err) {
	case cluster.Unauthorized:
		return fmt.Errorf("the API server at %s rejected the credentials of context %q (expired or invalid): %w", info.Server, info.Context, err)
	case cluster.Unreachable:
		return fmt.Errorf("cannot reach the API server at %s (context %q): %w", info.Server, info.Context, err)
	}
	return fmt.Errorf("context %q: %w", info.Context, err)
}

func firstGap(gs []audit.Gap) string {
	if len(gs) == 0 {
		return "none recorded"
	}
	return gs[0].String()
}

// run is one audit in progress.
type run struct {
	c      *cluster.Client
	o      Options
	res    *audit.Result
	reads  int
	crs    []rbacv1.ClusterRole
	crbs   []rbacv1.ClusterRoleBinding
	rbacOK map[string]bool
}

// readClusterRBAC lists the cluster-scoped RBAC objects once.
func (a *run) readClusterRBAC(ctx context.Context) {
	a.rbacOK = map[string]bool{}
	crs, err := a.c.ClusterRoles(ctx)
	a.record(rClusterRoles, err)
	crbs, err2 := a.c.ClusterRoleBindings(ctx)
	a.record(rClusterBindings, err2)
	a.crs, a.crbs = crs, crbs
}

func (a *run) record(resource string, err error) {
	if err != nil {
		a.res.Gaps = append(a.res.Gaps, gapOf(gapCheck[resource], err))
		return
	}
	a.reads++
	a.rbacOK[resource] = true
}

func sortFindings(fs []audit.Finding) {
	order := map[audit.Check]int{}
	for i, c := range audit.Checks {
		order[c] = i
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if order[a.Check] != order[b.Check] {
			return order[a.Check] < order[b.Check]
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Object.URI() != b.Object.URI() {
			return a.Object.URI() < b.Object.URI()
		}
		return a.Path < b.Path
	})
}
