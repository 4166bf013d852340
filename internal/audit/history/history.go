// Package history scans Helm release history: every revision's
// user-supplied values goes through the same engine and rules as
// `airlock scan`, with the release's own embedded chart defaults, and
// findings are merged across revisions so that one secret is one finding
// that says in which revisions it appears and whether the deployed
// revision still holds it.
//
// Values are read from the release record (Helm's "config"), marshalled
// to YAML and parsed like a values file. The line numbers of that YAML
// mean nothing to a user, so findings carry no file location: the values
// path identifies the value, and the release and revisions locate it.
package history

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Options configure Scan.
type Options struct {
	Registry *rule.Registry
	// Config filters findings as it does for scan (disabled rules,
	// severity overrides, allowlists); nil means defaults.
	Config *config.Config
	Limits yamltree.Limits
}

// Result is what Scan found.
type Result struct {
	Findings []audit.Finding
	Releases []audit.ReleaseSummary
	Notes    []string
}

// revResult is one revision's scan.
type revResult struct {
	rel  cluster.Release
	res  *scan.Result
	errs error
}

// Scan scans every revision of rels (any order; several releases may be
// mixed). A revision whose values cannot be parsed is reported in the
// returned error list and skipped; the others are still scanned.
func Scan(ctx context.Context, rels []cluster.Release, o Options) (*Result, []error) {
	if o.Limits.MaxBytes == 0 {
		o.Limits = yamltree.DefaultLimits
	}
	out := &Result{}
	var problems []error
	for _, group := range byRelease(rels) {
		results, errs := scanRevisions(ctx, group, o)
		problems = append(problems, errs...)
		if len(results) == 0 {
			continue
		}
		s := summarize(group)
		out.Releases = append(out.Releases, s)
		fs, notes := merge(s, results)
		out.Findings = append(out.Findings, fs...)
		out.Notes = append(out.Notes, notes...)
		if s.Storage == cluster.ConfigMapStorage {
			out.Findings = append(out.Findings, configMapStorage(s, len(fs)))
		}
	}
	return out, problems
}

// byRelease groups revisions by namespace and name, each sorted by revision.
func byRelease(rels []cluster.Release) [][]cluster.Release {
	idx := map[string]int{}
	var groups [][]cluster.Release
	for _, r := range rels {
		k := r.Namespace + "/" + r.Name
		i, ok := idx[k]
		if !ok {
			i = len(groups)
			idx[k] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool { return g[i].Revision < g[j].Revision })
	}
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i][0], groups[j][0]
		return a.Namespace+"/"+a.Name < b.Namespace+"/"+b.Name
	})
	return groups
}

// current is the deployed revision, or the newest when none is deployed
// (a failed install): the one whose values are in effect, or would be.
func current(group []cluster.Release) cluster.Release {
	for i := len(group) - 1; i >= 0; i-- {
		if group[i].Status == "deployed" {
			return group[i]
		}
	}
	return group[len(group)-1]
}

func summarize(group []cluster.Release) audit.ReleaseSummary {
	cur := current(group)
	return audit.ReleaseSummary{Name: cur.Name, Namespace: cur.Namespace, Chart: chartName(cur), Storage: cur.Storage,
		Revisions: len(group), Current: cur.Revision, Status: cur.Status}
}

func chartName(r cluster.Release) string {
	if r.Chart.Name == "" {
		return "unknown chart"
	}
	return r.Chart.Name + "-" + r.Chart.Version
}

// scanRevisions scans each revision concurrently. Chart defaults are
// parsed once per distinct chart values (usually one for the whole
// history) and shared read-only.
func scanRevisions(ctx context.Context, group []cluster.Release, o Options) ([]revResult, []error) {
	defs := &defaultsCache{m: map[[32]byte]*yamltree.File{}}
	results := make([]revResult, len(group))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, rel := range group {
		g.Go(func() error {
			d, err := defs.get(rel, o.Limits)
			if err != nil {
				results[i] = revResult{rel: rel, errs: err}
				return nil
			}
			res, err := scanRevision(gctx, rel, d, o)
			results[i] = revResult{rel: rel, res: res, errs: err}
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return nil, []error{err}
	}
	var ok []revResult
	var problems []error
	for _, r := range results {
		if r.errs != nil {
			problems = append(problems, fmt.Errorf("scan %s: %w", Label(r.rel), r.errs))
			continue
		}
		ok = append(ok, r)
	}
	return ok, problems
}

// Label names a revision as findings and notes show it.
func Label(r cluster.Release) string {
	s := fmt.Sprintf("release %s/%s revision %d", r.Namespace, r.Name, r.Revision)
	if !r.Deployed.IsZero() {
		s += " (" + r.Deployed.UTC().Format("2006-01-02") + ")"
	}
	return s
}

func scanRevision(ctx context.Context, rel cluster.Release, defaults *yamltree.File, o Options) (*scan.Result, error) {
	data, err := marshal(rel.Values)
	if err != nil {
		return nil, err
	}
	f, err := yamltree.Parse(&yamltree.Source{Name: Label(rel), Kind: yamltree.User}, data, o.Limits)
	if err != nil {
		return nil, err
	}
	in := &scan.Inputs{Files: []*yamltree.File{f}, Defaults: defaults, ChartFamily: scan.FamilyOf(rel.Chart.Name, rel.Chart.Version),
		ChartLabel: chartName(rel) + " (embedded in the release)", Limits: o.Limits, Config: o.Config}
	return scan.Run(ctx, in, o.Registry)
}

func marshal(v map[string]any) ([]byte, error) {
	if len(v) == 0 {
		return []byte("{}\n"), nil
	}
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal values: %w", err)
	}
	return data, nil
}

type defaultsCache struct {
	mu sync.Mutex
	m  map[[32]byte]*yamltree.File
}

// get parses a revision's chart defaults, once per distinct content. The
// key is a hash of the JSON encoding (sorted keys, and several times
// faster than YAML), so only the first revision pays for YAML.
func (c *defaultsCache) get(rel cluster.Release, lim yamltree.Limits) (*yamltree.File, error) {
	js, err := json.Marshal(rel.ChartValues)
	if err != nil {
		return nil, fmt.Errorf("encode chart values: %w", err)
	}
	key := sha256.Sum256(js)
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.m[key]; ok {
		return f, nil
	}
	data, err := marshal(rel.ChartValues)
	if err != nil {
		return nil, err
	}
	src := &yamltree.Source{Name: "chart " + chartName(rel) + " defaults (embedded in the release)", Kind: yamltree.ChartDefault}
	f, err := yamltree.Parse(src, data, lim)
	if err != nil {
		return nil, err
	}
	c.m[key] = f
	return f, nil
}

// configMapStorage reports a release stored with Helm's ConfigMap driver;
// it matters more when its values hold plaintext secrets.
func configMapStorage(s audit.ReleaseSummary, secrets int) audit.Finding {
	m := audit.Meta(audit.RuleReleaseInConfigMap)
	sev := m.Severity
	msg := fmt.Sprintf("%s: Helm stores release %s/%s (%d revisions) in ConfigMaps, readable by every identity that can read ConfigMaps in the namespace", m.Title, s.Namespace, s.Name, s.Revisions)
	if secrets > 0 {
		sev = finding.High
		msg += fmt.Sprintf("; its values hold %d plaintext secrets (reported above)", secrets)
	}
	obj := audit.Object{Kind: audit.HelmRelease, Namespace: s.Namespace, Name: s.Name}
	return audit.Finding{
		Finding: finding.Finding{RuleID: m.ID, Class: m.Class, Severity: sev, Message: msg, Remediation: m.Remediation,
			Origin: audit.OriginCluster, Fingerprint: audit.Fingerprint(m.ID, obj.URI())},
		Check: audit.ReleaseHistory, Object: obj,
	}
}

// revisionList formats revisions compactly: "1-3, 5".
func revisionList(revs []audit.Revision) string {
	var parts []string
	for i := 0; i < len(revs); {
		j := i
		for j+1 < len(revs) && revs[j+1].Revision == revs[j].Revision+1 {
			j++
		}
		if j == i {
			parts = append(parts, fmt.Sprint(revs[i].Revision))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", revs[i].Revision, revs[j].Revision))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
