package doc

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Options describe one document.
type Options struct {
	// Values are the -f files in Helm order; Stdin serves "-".
	Values []string
	Stdin  io.Reader
	// Chart is a chart directory or archive; "" uses the built-in catalog
	// and renders nothing.
	Chart string
	// Release and Namespace are the release settings the chart is
	// rendered with (default airflow, default).
	Release, Namespace string
	// SecretsFrom are Secret and ExternalSecret manifests that exist
	// outside the chart.
	SecretsFrom []string
	// Config is .airlock.yaml (nil: defaults); its doc and audit sections
	// are decoded here.
	Config *config.Config
	// Date is printed in the header when set; nothing else in the
	// document depends on when it was made.
	Date string
	// Command is the command line that regenerates the document, shown in
	// its header.
	Command string
}

// builder holds one build's state.
type builder struct {
	o        Options
	cfg      docConfig
	in       *scan.Inputs
	eff      *yamltree.Node
	release  string
	celery   bool
	findings []finding.Finding
	secrets  []*Secret
	prov     *providers
	set      *workload.Set // rendered workloads; nil without --chart
	docs     []*yamltree.Document
	metas    map[string]rule.Meta
	masks    []string
	notes    []string
}

// Build reads the deployment and returns the document model.
func Build(ctx context.Context, o Options) (*Document, error) {
	if len(o.Values) == 0 {
		return nil, fmt.Errorf("%w: no values files (-f)", yamltree.ErrInvalid)
	}
	b := &builder{o: o, release: cmp.Or(o.Release, "airflow")}
	if err := b.load(ctx); err != nil {
		return nil, err
	}
	b.collect()
	if b.set != nil {
		b.consumeRendered()
	} else {
		b.consumeFromValues()
	}
	b.judge()
	return b.document(), nil
}

// load scans the values, renders the chart when one is given, and
// indexes every Secret provider.
func (b *builder) load(ctx context.Context) error {
	var err error
	if b.cfg, err = decodeConfig(b.o.Config); err != nil {
		return err
	}
	b.in, err = scan.Load(ctx, scan.LoadOptions{Values: b.o.Values, Chart: b.o.Chart, Stdin: b.o.Stdin})
	if err != nil {
		return err
	}
	b.in.Config = b.o.Config
	reg, err := scan.DefaultRegistry()
	if err != nil {
		return err
	}
	b.metas = map[string]rule.Meta{}
	for _, m := range reg.Metas() {
		b.metas[m.ID] = m
	}
	res, err := scan.Run(ctx, b.in, reg)
	if err != nil {
		return err
	}
	b.notes = append(b.notes, res.Notes...)
	var firsts []*yamltree.Node
	for _, f := range b.in.Files {
		firsts = append(firsts, f.First())
	}
	var def *yamltree.Node
	if b.in.Defaults != nil {
		def = b.in.Defaults.First()
	}
	b.eff = yamltree.Effective(def, firsts...)
	b.celery = strings.Contains(b.text("airflow.executor"), "Celery")
	external, err := render.LoadManifests(ctx, b.o.SecretsFrom)
	if err != nil {
		return err
	}
	b.prov = newProviders()
	var docs []*yamltree.Document
	var provided []render.Provided
	if b.o.Chart != "" {
		docs, provided, err = render.Rendered(ctx, render.RunOptions{Inputs: b.in, Chart: b.o.Chart, Release: b.release, Namespace: b.o.Namespace})
		if err != nil {
			return err
		}
		b.set, b.docs = workload.FromManifests(docs), docs
		b.prov.addRendered(docs, false)
	}
	b.prov.addValues(b.eff)
	b.prov.addRendered(docs, true)
	b.prov.addManifests(external, BySecretsFrom)
	for _, p := range provided {
		b.prov.addSubchart(p.Name, p.By)
	}
	raw := res.Raw
	if b.set != nil {
		// Secrets that exist outside the chart (given, or created by
		// ExternalSecrets) resolve references like rendered ones.
		for _, d := range append(slices.Clone(external), b.prov.externalSecretTargets(b.set)...) {
			if d.Root.Get("kind").Text() == "Secret" && b.set.Lookup(workload.SecretRef, "", d.Root.Lookup("metadata", "name").Text()) == nil {
				b.set.Add(d)
			}
		}
		if raw, err = b.checkRendered(ctx, docs, external, provided, res.Raw); err != nil {
			return err
		}
	}
	b.findings, _ = scan.Filter(raw, b.in)
	b.masks = secretsOf(raw)
	return nil
}

// checkRendered runs the rendered checks (dangling references, RBAC,
// shadowed *_CMD settings, ...) and returns every finding, values and
// rendered.
func (b *builder) checkRendered(ctx context.Context, docs, external []*yamltree.Document, provided []render.Provided, known []finding.Finding) ([]finding.Finding, error) {
	// ExternalSecrets create their target Secrets: the rendered checks
	// must see those Secrets, or they would call every reference to them
	// dangling.
	from := append(slices.Clone(external), b.prov.externalSecretTargets(b.set)...)
	fs, err := render.CheckManifests(ctx, docs, render.Options{Files: b.in.Files, Defaults: b.in.Defaults, Known: known,
		SecretsFrom: from, Provided: provided})
	if err != nil {
		return nil, err
	}
	return render.Merge(known, fs), nil
}

// secretsOf lists the plaintexts of findings, longest first, so that no
// text copied from a finding can carry one into the document.
func secretsOf(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		s := f.Secret.Reveal()
		// The chart's short public defaults ("airflow", "admin") are words
		// of every message, not secrets anyone could learn from them.
		if s == catalog.DefaultDBPassword || s == catalog.DefaultRedisPassword || s == catalog.DefaultAdminPassword {
			continue
		}
		if len(s) >= 4 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// scrub removes every known secret from text copied out of a finding.
func (b *builder) scrub(s string) string {
	for _, m := range b.masks {
		s = strings.ReplaceAll(s, m, "[redacted]")
	}
	return s
}
