package render

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Options tune CheckManifests. Every field is optional: with none, the
// manifests are checked on their own.
type Options struct {
	// Files and Defaults are the values the manifests were rendered from;
	// findings are traced back to them.
	Files    []*yamltree.File
	Defaults *yamltree.File
	// Known are findings already reported on the values: a rendered
	// finding that traces back to one of them is dropped.
	Known []finding.Finding
	// SecretsFrom are manifests of Secrets and ConfigMaps that exist
	// outside these manifests (--secrets-from): references to them resolve.
	SecretsFrom []*yamltree.Document
	// Provided are Secrets that absent subcharts would create.
	Provided []Provided
	// Consumption adds the informational env-versus-file findings.
	Consumption bool
}

// Provided is a Secret that an absent dependency chart would create when
// installed (the fixture chart ships without its postgresql and redis
// subcharts).
type Provided struct {
	Name string
	By   string // the dependency chart's name
}

// checker holds one run's state.
type checker struct {
	opts  Options
	docs  []*yamltree.Document
	set   *workload.Set
	trace *tracer
	metas map[string]rule.Meta
	out   []finding.Finding
	seen  map[string]bool
	// external are the objects given with SecretsFrom, by pointer.
	external map[*workload.Object]bool
	// usedProvided are the Provided Secrets some pod references.
	usedProvided map[string]bool
}

// CheckManifests checks documents holding Kubernetes objects: rendered by
// the chart (their source is the template) or written by the user (their
// source is the file, and findings point at its lines). It reports literal
// secrets, dangling references, shadowed *_CMD settings, Secret-reading
// RBAC and, with Options.Consumption, how Secrets reach containers; with
// Options.Files, also ${VAR} templates without a *Templates entry.
// Findings are not fingerprinted or sorted: Merge does that.
func CheckManifests(ctx context.Context, docs []*yamltree.Document, opts Options) ([]finding.Finding, error) {
	c, err := check(ctx, docs, opts)
	if err != nil {
		return nil, err
	}
	return c.out, nil
}

// check runs every check and returns the checker with its state.
func check(ctx context.Context, docs []*yamltree.Document, opts Options) (*checker, error) {
	c, err := newChecker(docs, opts)
	if err != nil {
		return nil, err
	}
	steps := []func(){c.secretObjects, c.envLiterals, c.dangling, c.shadowedCmds, c.rbac, c.templateVars}
	if opts.Consumption {
		steps = append(steps, c.consumption)
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		step()
	}
	return c, nil
}

func newChecker(docs []*yamltree.Document, opts Options) (*checker, error) {
	c := &checker{opts: opts, docs: docs, metas: map[string]rule.Meta{}, seen: map[string]bool{},
		external: map[*workload.Object]bool{}, usedProvided: map[string]bool{}}
	for _, m := range renderrule.Metas() {
		c.metas[m.ID] = m
	}
	c.set = workload.FromManifests(docs)
	ext := workload.FromManifests(append(externalSecretTargets(append(slices.Clone(docs), opts.SecretsFrom...)), opts.SecretsFrom...))
	// Objects the manifests create win over same-named ones given from
	// outside: installing would fail or overwrite, and either way the
	// rendered one is what pods see.
	for _, o := range ext.Secrets {
		if c.set.Lookup(workload.SecretRef, o.Namespace, o.Name) == nil {
			c.set.Secrets = append(c.set.Secrets, o)
			c.external[o] = true
		}
	}
	for _, o := range ext.ConfigMaps {
		if c.set.Lookup(workload.ConfigMapRef, o.Namespace, o.Name) == nil {
			c.set.ConfigMaps = append(c.set.ConfigMaps, o)
			c.external[o] = true
		}
	}
	if len(opts.Files) > 0 || opts.Defaults != nil {
		t, err := newTracer(opts.Files, opts.Defaults, opts.Known)
		if err != nil {
			return nil, err
		}
		c.trace = t
	}
	return c, nil
}

// place is where a finding is reported.
type place struct {
	path     string // values path when traced
	loc, def finding.Location
}

// manifestPlace points at a node of a manifest: the user's file and line,
// or for rendered output the chart template (and the line in the
// rendered document).
func manifestPlace(d *yamltree.Document, n *yamltree.Node) place {
	if n == nil {
		n = d.Root
	}
	return place{loc: finding.Location{File: d.Src.Name, Line: n.Pos.Line, Col: n.Pos.Col, Doc: d.Index}}
}

// valuesPlace points at a values scalar.
func valuesPlace(o origin) place {
	l, d := o.loc()
	return place{path: o.path.String(), loc: l, def: d}
}

// emit records a finding once per rule, place and dedupe token.
func (c *checker) emit(id string, at place, sev finding.Severity, msg, secret, token string) {
	m := c.metas[id]
	if sev == 0 {
		sev = m.Severity
	}
	k := fmt.Sprintf("%s\x00%s\x00%s:%d:%d\x00%s", id, at.path, at.loc.File, at.loc.Line, at.loc.Col, token)
	if m.Class == finding.Hardcoded {
		// One hardcoded finding per place, whichever rule saw it first: a
		// pod template literal is both a ConfigMap entry and an env value.
		k = fmt.Sprintf("hardcoded\x00%s\x00%s:%d:%d", at.path, at.loc.File, at.loc.Line, at.loc.Col)
	}
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	f := finding.Finding{
		RuleID: id, Class: m.Class, Severity: sev, Path: at.path, Loc: at.loc, Default: at.def,
		Message: m.Title + ": " + msg, Remediation: m.Remediation, Secret: redact.New(secret), Origin: "rendered",
	}
	f.Fingerprint = fingerprint(f, token)
	c.out = append(c.out, f)
}

// fingerprint extends finding.SetFingerprint's scheme (rule, file, path,
// origin; never the secret or the line) with what the finding is about,
// because many rendered findings share a template and have no values path.
func fingerprint(f finding.Finding, token string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", f.RuleID, f.Loc.File, f.Path, f.Origin, token)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// rendered reports a document produced by a chart template.
func rendered(d *yamltree.Document) bool {
	return d.Src.Kind == yamltree.Rendered || d.Src.Kind == yamltree.Embedded
}
