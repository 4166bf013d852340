package scan

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/rule/chartkeys"
	"github.com/airlockhq/airlock/internal/rule/defaults"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/source/valuesfile"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// DefaultRegistry returns every built-in rule in priority order: values
// rules (insecure defaults), chart-aware rules, then generic detectors.
func DefaultRegistry() (*rule.Registry, error) {
	reg := rule.New()
	refs, err := chartkeys.NewReferences()
	if err != nil {
		return nil, err
	}
	reg.AddClaimer(refs)
	for _, r := range defaults.New() {
		if err := reg.Register(r); err != nil {
			return nil, err
		}
	}
	chartRules, err := chartkeys.New()
	if err != nil {
		return nil, err
	}
	for _, r := range chartRules {
		if err := reg.Register(r); err != nil {
			return nil, err
		}
	}
	for _, r := range detect.NewGeneric() {
		if err := reg.Register(r); err != nil {
			return nil, err
		}
	}
	// Checks of rendered manifests (scan --render) run outside the engine.
	if err := reg.Describe(renderrule.Metas()...); err != nil {
		return nil, err
	}
	return reg, nil
}

// LoadOptions name the inputs of a scan.
type LoadOptions struct {
	Values []string
	Chart  string
	Stdin  io.Reader
	Limits yamltree.Limits
}

// Load reads the values files and the chart defaults (from --chart or the
// built-in catalog).
func Load(ctx context.Context, o LoadOptions) (*Inputs, error) {
	lim := o.Limits
	if lim.MaxBytes == 0 {
		lim = yamltree.DefaultLimits
	}
	files, err := valuesfile.LoadAll(ctx, o.Values, o.Stdin, lim)
	if err != nil {
		return nil, err
	}
	in := &Inputs{Files: files, Limits: lim, ChartFamily: rule.AirflowHelm}
	if o.Chart == "" {
		in.Defaults, err = catalog.BuiltinDefaults()
		if err != nil {
			return nil, fmt.Errorf("built-in defaults: %w", err)
		}
		in.ChartLabel = catalog.BuiltinDefaultsName
		return in, nil
	}
	c, err := chart.Load(ctx, o.Chart)
	if err != nil {
		return nil, err
	}
	in.Defaults = c.Defaults
	in.ChartLabel = Label(c.Name, c.Version, o.Chart)
	in.ChartFamily = FamilyOf(c.Name, c.Version)
	return in, nil
}

// FamilyOf maps chart metadata to a family: both charts are named
// "airflow"; airflow-helm is 7.x/8.x, the official chart 1.x.
func FamilyOf(name, version string) rule.Family {
	if name != "airflow" {
		return rule.UnknownChart
	}
	major, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(version, "v"), ".", 2)[0])
	switch {
	case major >= 7:
		return rule.AirflowHelm
	case major >= 1:
		return rule.ApacheAirflow
	}
	return rule.UnknownChart
}
