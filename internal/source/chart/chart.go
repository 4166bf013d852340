// Package chart loads a Helm chart with the Helm SDK and exposes its
// default values as a positioned yamltree document. It is the only package
// that imports the Helm SDK's chart loader.
package chart

import (
	"context"
	"fmt"
	"path/filepath"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Chart is a loaded chart: its metadata and its defaults with positions.
type Chart struct {
	Name       string
	Version    string
	AppVersion string
	// Location is the chart directory or archive as the user named it.
	Location string
	Defaults *yamltree.File
	// Helm is the SDK's chart, for rendering.
	Helm *chartv2.Chart
}

// Load reads a chart directory or .tgz. Missing dependency charts (for
// airflow-helm: postgresql and redis) are not an error: only the helm CLI
// checks them, and the defaults airlock needs live in the parent chart.
func Load(ctx context.Context, path string) (*Chart, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := loader.Load(path)
	if err != nil {
		return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("cannot load chart: %v", err)}
	}
	out := &Chart{Location: path, Helm: c}
	if c.Metadata != nil {
		out.Name, out.Version, out.AppVersion = c.Metadata.Name, c.Metadata.Version, c.Metadata.AppVersion
	}
	// The SDK's Values map has lost positions; parse the raw file instead so
	// findings can point at the default's line in the chart.
	src := &yamltree.Source{Name: filepath.Join(path, "values.yaml"), Kind: yamltree.ChartDefault}
	for _, f := range c.Raw {
		if f.Name != "values.yaml" {
			continue
		}
		vf, err := yamltree.Parse(src, f.Data, yamltree.DefaultLimits)
		if err != nil {
			return nil, err
		}
		out.Defaults = vf
	}
	if out.Defaults == nil {
		out.Defaults = &yamltree.File{Src: src}
	}
	return out, nil
}
