package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock/internal/benchcorpus"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/discover"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// BenchmarkScanCorpus discovers, parses and scans a generated corpus of
// 300 values files and manifests (about 3 MB, a tenth of them full copies
// of the chart's values.yaml), as `airlock scan DIR` does.
func BenchmarkScanCorpus(b *testing.B) {
	dir := b.TempDir()
	big, _ := os.ReadFile(filepath.Join(testfixture.ChartDir(b), "values.yaml"))
	size, err := benchcorpus.Generate(dir, 300, big, 1)
	if err != nil {
		b.Fatal(err)
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		ts, err := discover.Find(context.Background(), []string{dir}, discover.Options{})
		if err != nil {
			b.Fatal(err)
		}
		in := &scan.Inputs{}
		for _, t := range ts {
			in.Lazy = append(in.Lazy, t)
		}
		if _, err := scan.Run(context.Background(), in, reg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanValuesWithChart is the scan contract's case: one values
// file merged over the real chart's defaults.
func BenchmarkScanValuesWithChart(b *testing.B) {
	chart := testfixture.ChartDir(b)
	values := filepath.Join(testfixture.Root(), "examples", "insecure-values.yaml")
	reg, _ := scan.DefaultRegistry()
	b.ReportAllocs()
	for b.Loop() {
		in, err := scan.Load(context.Background(), scan.LoadOptions{Values: []string{values}, Chart: chart})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := scan.Run(context.Background(), in, reg); err != nil {
			b.Fatal(err)
		}
	}
}
