package render

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// RunOptions describe one `airlock scan --render`.
type RunOptions struct {
	// Inputs are the loaded values files (scan.Load), with the config,
	// the baseline and any manifests found in PATH arguments. With Chart
	// set, Run replaces Inputs.Defaults with the chart's values.yaml, so
	// Inputs may be loaded without the chart (saving a second load).
	Inputs   *scan.Inputs
	Registry *rule.Registry
	// Chart is the chart to render; "" checks only the manifests among
	// Inputs.Others.
	Chart string
	Set   SetFlags
	// Release, Namespace and KubeVersion are helm template's settings.
	Release, Namespace, KubeVersion string
	// SecretsFrom are files or directories of Secret and ConfigMap
	// manifests that exist outside the chart.
	SecretsFrom []string
	Consumption bool
}

// Result is the combined outcome: the values scan's findings and the
// rendered checks', deduplicated, filtered and sorted.
type Result struct {
	Findings []finding.Finding
	// Raw are all findings before config/baseline suppression.
	Raw   []finding.Finding
	Notes []string
	// Objects counts the manifests checked (rendered and given).
	Objects int
	// Chart describes the chart rendered, for reports.
	Chart string
}

// ErrNothingToRender is returned when neither a chart nor manifests are given.
var ErrNothingToRender = errors.New("--render needs --chart DIR (or manifest files as PATH arguments)")

// Run scans the values as a plain scan does, renders the chart with them,
// checks the rendered objects plus any manifests given as PATHs, and
// merges everything.
func Run(ctx context.Context, o RunOptions) (*Result, error) {
	given, err := givenManifests(o.Inputs)
	if err != nil {
		return nil, err
	}
	var docs []*yamltree.Document
	for _, f := range given {
		docs = append(docs, objectDocs(f)...)
	}
	if o.Chart == "" && len(docs) == 0 {
		return nil, ErrNothingToRender
	}
	in := o.Inputs
	var provided []Provided
	if o.Chart != "" {
		var rendered []*yamltree.Document
		if in, rendered, provided, err = renderInputs(ctx, o); err != nil {
			return nil, err
		}
		docs = append(rendered, docs...)
	}
	res, err := scan.Run(ctx, in, o.Registry)
	if err != nil {
		return nil, err
	}
	external, err := LoadManifests(ctx, o.SecretsFrom)
	if err != nil {
		return nil, err
	}
	c, err := check(ctx, docs, Options{Files: in.Files, Defaults: in.Defaults, Known: res.Raw,
		SecretsFrom: external, Provided: provided, Consumption: o.Consumption})
	if err != nil {
		return nil, err
	}
	notes := slices.DeleteFunc(slices.Clone(res.Notes), func(n string) bool { return slices.Contains(res.Suppressed.Notes(), n) })
	for _, p := range provided {
		if c.usedProvided[p.Name] {
			notes = append(notes, fmt.Sprintf("the chart's %s dependency is not in its charts/ directory: Secret %s, which it would create and pods read, is assumed to exist (run `helm dependency build` to check it too)", p.By, p.Name))
		}
	}
	raw := Merge(res.Raw, c.out)
	// Filter with every file loaded, so inline airlock:ignore comments in
	// given manifests apply to rendered-check findings too.
	fin := *in
	fin.Others = given
	kept, sup := scan.Filter(raw, &fin)
	return &Result{Findings: kept, Raw: raw, Notes: append(notes, sup.Notes()...), Objects: len(docs), Chart: in.ChartLabel}, nil
}

// renderInputs renders the chart and returns the inputs to scan with it:
// the chart's values.yaml as the defaults, whatever the Inputs were
// loaded with (so callers need not load the chart twice), and, with no
// values files, an empty one, because rendering the defaults is a
// deployment whose insecure defaults the engine must judge (it only does
// when there are values files).
func renderInputs(ctx context.Context, o RunOptions) (*scan.Inputs, []*yamltree.Document, []Provided, error) {
	c, docs, prov, err := loadAndRender(ctx, o)
	if err != nil {
		return nil, nil, nil, err
	}
	in := *o.Inputs
	in.Defaults, in.ChartLabel, in.ChartFamily = c.Defaults, scan.Label(c.Name, c.Version, o.Chart), scan.FamilyOf(c.Name, c.Version)
	if len(in.Files) == 0 {
		in.Files = []*yamltree.File{{Src: &yamltree.Source{Name: "(chart defaults only)", Kind: yamltree.User}}}
	}
	return &in, docs, prov, nil
}

// givenManifests loads the files found in PATH arguments (scan.Run loads
// lazy ones on its own; the reference checks need all of them at once).
// A walked file that does not parse is skipped, as scan.Run does.
func givenManifests(in *scan.Inputs) ([]*yamltree.File, error) {
	files := slices.Clone(in.Others)
	for _, l := range in.Lazy {
		f, err := l.Load()
		if err != nil {
			if l.Optional() {
				continue
			}
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// renderChart loads and renders the chart with the values merged the
// helm CLI's way.
func renderChart(ctx context.Context, o RunOptions) ([]*yamltree.Document, []Provided, error) {
	_, docs, prov, err := loadAndRender(ctx, o)
	return docs, prov, err
}

func loadAndRender(ctx context.Context, o RunOptions) (*chart.Chart, []*yamltree.Document, []Provided, error) {
	c, err := chart.Load(ctx, o.Chart)
	if err != nil {
		return nil, nil, nil, err
	}
	vals, err := HelmValues(o.Inputs.Files, o.Set)
	if err != nil {
		return nil, nil, nil, err
	}
	release := o.Release
	if release == "" {
		release = "airflow"
	}
	ms, err := c.Render(ctx, vals, chart.RenderOptions{Release: release, Namespace: o.Namespace, KubeVersion: o.KubeVersion})
	if err != nil {
		return nil, nil, nil, err
	}
	prov, err := absentSubcharts(c, vals, release)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("chart dependencies: %w", err)
	}
	docs := make([]*yamltree.Document, len(ms))
	for i, m := range ms {
		docs[i] = m.Doc
	}
	return c, docs, prov, nil
}

// Merge combines the values scan's findings with rendered ones: a
// hardcoded-secret finding at a place the values scan already reported
// (same file, line and column, or same path when inherited) is dropped,
// the rest are fingerprinted, and the whole is sorted.
func Merge(values, rendered []finding.Finding) []finding.Finding {
	seen := map[dedupeKey]bool{}
	for _, f := range values {
		seen[keyOf(f)] = true
	}
	out := slices.Clone(values)
	for _, f := range rendered {
		if f.Class != finding.Misconfig && seen[keyOf(f)] {
			continue
		}
		if f.Fingerprint == "" {
			f.SetFingerprint()
		}
		out = append(out, f)
	}
	finding.Sort(out)
	return out
}
