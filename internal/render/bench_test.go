package render_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// BenchmarkHelmRender is the baseline: load the chart and render it with
// the Helm SDK, as `helm template` does.
func BenchmarkHelmRender(b *testing.B) {
	chartDir := testfixture.ChartDir(b)
	ctx := context.Background()
	for b.Loop() {
		c, err := chart.Load(ctx, chartDir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Render(ctx, map[string]any{}, chart.RenderOptions{Release: "rel"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanRender is the whole `airlock scan --render`: values scan,
// rendering, every check, merge; compare its ns/op with BenchmarkHelmRender.
func BenchmarkScanRender(b *testing.B) {
	chartDir := testfixture.ChartDir(b)
	ctx := context.Background()
	reg, err := scan.DefaultRegistry()
	if err != nil {
		b.Fatal(err)
	}
	values := []string{filepath.Join("testdata", "values", "12-consumption.yaml")}
	for b.Loop() {
		// As the CLI does: render.Run loads the chart once for both uses.
		in, err := scan.Load(ctx, scan.LoadOptions{Values: values})
		if err != nil {
			b.Fatal(err)
		}
		_, err = render.Run(ctx, render.RunOptions{Inputs: in, Registry: reg, Chart: chartDir, Release: "rel",
			SecretsFrom: []string{filepath.Join("testdata", "secrets")}, Consumption: true})
		if err != nil {
			b.Fatal(err)
		}
	}
}
