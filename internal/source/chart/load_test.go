package chart_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"

	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// TestLoadDirAndArchive: the chart fixture loads as a directory and as a
// .tgz packaged by the Helm SDK, with its absent subcharts, and its
// defaults keep the lines of the chart's values.yaml.
func TestLoadDirAndArchive(t *testing.T) {
	dir := testfixture.ChartDir(t)
	c, err := chart.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := chartutil.Save(c.Helm, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{dir, tgz} {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			c, err := chart.Load(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != "airflow" || c.Version != "8.9.0" {
				t.Errorf("loaded %s %s", c.Name, c.Version)
			}
			n := c.Defaults.First().Lookup("airflow", "fernetKey")
			if n == nil || n.Pos.Line != 31 || n.Src.Kind != yamltree.ChartDefault {
				t.Errorf("airflow.fernetKey default at %+v", n)
			}
		})
	}
	if _, err := chart.Load(context.Background(), filepath.Join(t.TempDir(), "missing")); !errors.Is(err, yamltree.ErrInvalid) {
		t.Errorf("a missing chart must be an input error, got %v", err)
	}
}
