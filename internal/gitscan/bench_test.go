package gitscan_test

import (
	"context"
	"testing"

	"github.com/airlockhq/airlock/internal/gitscan"
	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
)

// BenchmarkHistory scans a generated history of 1,000 commits that rewrite
// six values files; commits/s is the figure to compare with gitleaks
// (scripts/bench-history.sh runs both on the same repository).
func BenchmarkHistory(b *testing.B) {
	const commits = 5000
	g := gittest.NewSynthetic(b, gittest.Synthetic{Commits: commits, Files: 6, SecretEvery: 40})
	reg := registry(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := gitscan.History(context.Background(), gitscan.Options{Dir: g.Dir}, reg)
		if err != nil {
			b.Fatal(err)
		}
		if res.Stats.Commits != commits || len(res.Findings) != commits/40 {
			b.Fatalf("scanned %d commits, %d findings; want %d and %d", res.Stats.Commits, len(res.Findings), commits, commits/40)
		}
	}
	b.ReportMetric(float64(commits*b.N)/b.Elapsed().Seconds(), "commits/s")
}
