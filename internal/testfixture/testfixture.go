// Package testfixture locates the shared test fixtures that live beside
// the repository (the unmodified airflow-helm chart, the real-world values
// corpus) so tests can use real inputs without copying them in.
package testfixture

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// shared finds the shared fixtures folder: $AIRLOCK_SHARED, or "shared"
// beside the repository root.
func shared() string {
	if d := os.Getenv("AIRLOCK_SHARED"); d != "" {
		return d
	}
	return filepath.Join(Root(), "..", "shared")
}

// ChartDir returns the airflow-helm 8.9.0 chart fixture. Without it the
// calling test is skipped with a message saying where it looked; CI sets
// AIRLOCK_REQUIRE_FIXTURES=1 to turn that into a failure.
func ChartDir(t testing.TB) string {
	t.Helper()
	return require(t, filepath.Join(shared(), "fixtures", "charts", "airflow-8.9.0", "Chart.yaml"))
}

// CorpusDir returns the real-world values corpus.
func CorpusDir(t testing.TB) string {
	t.Helper()
	return require(t, filepath.Join(shared(), "corpus", "realworld", "README.md"))
}

func require(t testing.TB, marker string) string {
	t.Helper()
	if _, err := os.Stat(marker); err != nil {
		if os.Getenv("AIRLOCK_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("fixture missing: %s (set AIRLOCK_SHARED)", marker)
		}
		t.Skipf("fixture missing: %s (set AIRLOCK_SHARED to run this test)", marker)
	}
	return filepath.Dir(marker)
}
