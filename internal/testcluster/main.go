package testcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
)

// Required reports whether a missing cluster must fail the tests instead
// of skipping them (AIRLOCK_REQUIRE_TESTBIN=1, as CI sets).
func Required() bool { return os.Getenv("AIRLOCK_REQUIRE_TESTBIN") == "1" }

// Main starts one cluster for a test package, stores it in *out, runs the
// tests and stops the cluster. When the binaries are absent *out stays nil
// and tests calling Need skip, unless Required(), in which case Main fails
// before running any test. It returns the exit code for os.Exit.
func Main(m *testing.M, o Options, out **Cluster) int {
	c, err := Start(context.Background(), o)
	switch {
	case errors.Is(err, ErrNoBinaries) && !Required():
		fmt.Fprintf(os.Stderr, "testcluster: %v; integration tests will be skipped\n", err)
	case err != nil:
		fmt.Fprintf(os.Stderr, "testcluster: %v\n", err)
		return 1
	default:
		*out = c
		defer c.Stop()
	}
	return m.Run()
}

// Need returns c, or skips the test when the shared cluster could not be
// started because its binaries are absent.
func Need(t testing.TB, c *Cluster) *Cluster {
	t.Helper()
	if c == nil {
		t.Skipf("no test cluster: etcd/kube-apiserver not found in %s (run scripts/testbin.sh etcd kube-apiserver, or set AIRLOCK_TESTBIN)", BinDir())
	}
	return c
}
