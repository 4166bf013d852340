// Package scan is the engine: it merges the values, runs every rule over
// every document and the effective values, and returns deduplicated,
// fingerprinted, sorted findings. It prints nothing and never exits.
package scan

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/airlockhq/airlock/internal/baseline"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Inputs are loaded values: the user's files in Helm order and the chart
// defaults they merge over.
type Inputs struct {
	Files    []*yamltree.File
	Defaults *yamltree.File
	// ChartFamily is the family of the chart given with --chart, or
	// AirflowHelm for the built-in catalog.
	ChartFamily rule.Family
	// ChartLabel says which chart was assumed ("airflow 8.9.0 from ./chart").
	ChartLabel string
	Limits     yamltree.Limits
	// Others are files found by discovery (positional paths): scanned one
	// by one, never merged, so no chart defaults are inherited from them.
	Others []*yamltree.File
	// Lazy inputs are parsed by the worker that scans them and dropped
	// right after, so scanning a large tree needs memory for a few files,
	// not for all of them.
	Lazy []Lazy
	// Config filters and adjusts findings; nil means defaults.
	Config *config.Config
	// Baseline drops accepted findings; nil means none.
	Baseline *baseline.File
}

// Lazy is an input parsed only when it is scanned.
type Lazy interface {
	Name() string
	Load() (*yamltree.File, error)
	// Optional inputs (found by walking a directory) that do not parse are
	// skipped with a note instead of failing the scan.
	Optional() bool
}

// Result is a scan's outcome.
type Result struct {
	Findings []finding.Finding
	// Family is the chart the values were judged against.
	Family rule.Family
	// Notes are things a user should know about how airlock read the input
	// (another chart detected, an umbrella prefix, a non-map root).
	Notes []string
	// Suppressed summarises what config, inline comments and the baseline
	// removed.
	Suppressed Suppression
	// Raw are the findings before suppression (for --write-baseline).
	Raw []finding.Finding
}

// Run scans the inputs with the registry's rules.
func Run(ctx context.Context, in *Inputs, reg *rule.Registry) (*Result, error) {
	res := &Result{Family: in.ChartFamily}
	var firsts []*yamltree.Node
	official := 0
	for _, f := range in.Files {
		root := f.First()
		firsts = append(firsts, root)
		if root != nil && root.Kind != yamltree.Map && root.Kind != yamltree.Null {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: the first document is not a mapping; Helm would reject it as values", f.Src.Name))
		}
		if fam, _ := catalog.DetectFamily(root); fam == rule.ApacheAirflow {
			official++
		}
	}
	if official > 0 && official == len(in.Files) && res.Family == rule.AirflowHelm {
		res.Family = rule.ApacheAirflow
		res.Notes = append(res.Notes, "the values look written for the official apache/airflow chart, not airflow-helm/charts: chart-aware checks and chart defaults are skipped; generic checks still apply")
	}
	var defaults *yamltree.Node
	if in.Defaults != nil {
		defaults = in.Defaults.First()
	}
	input := &rule.Input{Files: in.Files, Effective: yamltree.Effective(defaults, firsts...), Family: res.Family, DefaultsName: in.ChartLabel}

	var mu sync.Mutex
	var all []finding.Finding
	emit := func(f finding.Finding) {
		mu.Lock()
		all = append(all, f)
		mu.Unlock()
	}
	for _, r := range reg.Values() {
		if len(in.Files) == 0 {
			break // discovered files are not a deployment: nothing to merge
		}
		if err := r.CheckValues(ctx, input, emit); err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.Meta().ID, err)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	note := func(notes ...string) {
		mu.Lock()
		res.Notes = append(res.Notes, notes...)
		mu.Unlock()
	}
	for _, f := range append(append([]*yamltree.File(nil), in.Files...), in.Others...) {
		g.Go(func() error {
			notes, err := scanFile(gctx, f, res.Family, reg, in.Limits, emit)
			note(notes...)
			return err
		})
	}
	for _, l := range in.Lazy {
		g.Go(func() error { return scanLazy(gctx, l, res.Family, reg, in.Limits, emit, note) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	raw := dedupe(all, rankOf(reg))
	for i := range raw {
		raw[i].SetFingerprint()
	}
	finding.Sort(raw)
	cfg := in.Config
	if cfg == nil {
		cfg = config.Default()
	}
	res.Raw = raw
	res.Findings, res.Suppressed = filter(raw, append(append([]*yamltree.File(nil), in.Files...), in.Others...), cfg, in.Baseline)
	res.Notes = append(res.Notes, res.Suppressed.Notes()...)
	return res, nil
}

// scanLazy loads, scans and releases one lazy input. Its inline
// "airlock:ignore" comments are applied here, while its bytes are at hand.
func scanLazy(ctx context.Context, l Lazy, fam rule.Family, reg *rule.Registry, lim yamltree.Limits, emit func(finding.Finding), note func(...string)) error {
	f, err := l.Load()
	if err != nil {
		if l.Optional() {
			note(fmt.Sprintf("skipped %s: %v", l.Name(), err))
			return nil
		}
		return err
	}
	var found []finding.Finding
	notes, err := scanFile(ctx, f, fam, reg, lim, func(x finding.Finding) { found = append(found, x) })
	if err != nil {
		if l.Optional() {
			note(fmt.Sprintf("skipped %s: %v", l.Name(), err))
			return nil
		}
		return err
	}
	note(notes...)
	lines := fileLines([]*yamltree.File{f})[f.Src.Name]
	for _, x := range found {
		x.Suppressed = ignoredInline(lines, x)
		emit(x)
	}
	return nil
}

// scanFile runs the scalar rules over every document of one file.
func scanFile(ctx context.Context, f *yamltree.File, runFamily rule.Family, reg *rule.Registry, lim yamltree.Limits, emit func(finding.Finding)) ([]string, error) {
	var notes []string
	budget := yamltree.NewBudget(f, lim)
	for _, d := range f.Docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fam, prefix := catalog.DetectFamily(d.Root)
		chartAware := runFamily == rule.AirflowHelm && fam != rule.ApacheAirflow
		if fam == rule.ApacheAirflow && runFamily == rule.AirflowHelm && len(f.Docs) > 1 {
			notes = append(notes, fmt.Sprintf("%s: document %d looks written for the official apache/airflow chart: only generic checks apply to it", f.Src.Name, d.Index+1))
		}
		if chartAware && len(prefix) > 0 && d.Index == 0 {
			notes = append(notes, fmt.Sprintf("%s: airflow-helm values found under %q (umbrella chart?): chart-aware checks read them there", f.Src.Name, prefix.String()))
		}
		err := yamltree.Walk(d.Root, budget, func(c *yamltree.Cursor) bool {
			if c.Node.Kind != yamltree.Scalar {
				return true
			}
			s := &rule.Scalar{Cursor: c, File: f, Doc: d}
			if chartAware && c.Path.HasPrefix(yamltree.Pattern(prefix)) {
				s.Rel = c.Path[len(prefix):]
				if s.Rel == nil {
					s.Rel = yamltree.Path{}
				}
			}
			checkScalar(s, reg, emit)
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	return notes, nil
}

func checkScalar(s *rule.Scalar, reg *rule.Registry, emit func(finding.Finding)) {
	for _, c := range reg.Claimers() {
		if c.Claims(s) {
			return
		}
	}
	for _, r := range reg.Scalar() {
		hit, found, claimed := r.Check(s)
		if found {
			emit(newFinding(r.Meta(), s, hit))
			return
		}
		if claimed {
			return
		}
	}
}

func newFinding(m rule.Meta, s *rule.Scalar, h rule.Hit) finding.Finding {
	msg := m.Title
	if h.Detail != "" {
		msg += ": " + h.Detail
	}
	rem := m.Remediation
	if h.Remediation != "" {
		rem = h.Remediation
	}
	return finding.Finding{
		RuleID: m.ID, Class: m.Class, Severity: m.Severity, Path: s.Path.String(),
		Loc:     finding.Location{File: s.File.Src.Name, Line: s.Node.Pos.Line, Col: s.Node.Pos.Col, Doc: s.Doc.Index},
		Message: msg, Remediation: rem, Fix: h.Fix, Secret: redact.New(h.Secret), Origin: "values",
	}
}

// rankOf orders rules by registration: insecure defaults, then
// chart-aware rules, then generic ones.
func rankOf(reg *rule.Registry) map[string]int {
	rank := map[string]int{}
	for i, m := range reg.Metas() {
		rank[m.ID] = i
	}
	return rank
}

// dedupe keeps one finding per scalar (file, line, column), and one per
// path for inherited defaults. An anchored value reached through several
// paths is one scalar; the finding kept is the one of the most specific
// rule (an insecure default the user restated beats the chart-aware
// report, which beats a generic one), so the message and fix say most.
func dedupe(fs []finding.Finding, rank map[string]int) []finding.Finding {
	type key struct {
		file      string
		line, col int
		path      string
	}
	at := map[key]int{}
	var out []finding.Finding
	for _, f := range fs {
		k := key{file: f.Loc.File, line: f.Loc.Line, col: f.Loc.Col}
		if f.Loc.IsZero() {
			k = key{path: f.Path}
		}
		i, seen := at[k]
		switch {
		case !seen:
			at[k] = len(out)
			out = append(out, f)
		case rank[f.RuleID] < rank[out[i].RuleID]:
			out[i] = f
		}
	}
	return out
}

// Label describes a chart for notes: "airflow 8.9.0 (./charts/airflow)".
func Label(name, version, where string) string {
	return strings.TrimSpace(fmt.Sprintf("%s %s (%s)", name, version, where))
}
