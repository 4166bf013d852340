// Package testcluster starts a real etcd and a real kube-apiserver on
// 127.0.0.1 for integration tests: no kubelet, no controller-manager, no
// network beyond loopback. Clients authenticate with static bearer tokens
// (one per test user), so tests can check what a low-privilege identity
// may and may not read.
//
// One cluster per test package is the intended use (start it in TestMain
// with Main and share it):
//
//	var kube *testcluster.Cluster
//
//	func TestMain(m *testing.M) {
//		os.Exit(testcluster.Main(m, testcluster.Options{Users: users}, &kube))
//	}
//
//	func TestX(t *testing.T) {
//		c := testcluster.Need(t, kube)
//		kubeconfig := c.Kubeconfig(testcluster.Admin)
//	}
//
// Without a controller-manager namespaces never finish deleting and no
// default ServiceAccount appears, so tests should create a fresh namespace
// each rather than clean up.
//
// The binaries are built by scripts/testbin.sh into $AIRLOCK_TESTBIN
// (default $HOME/.cache/airlock/testbin). When they are absent the tests
// that need them skip with a message, unless AIRLOCK_REQUIRE_TESTBIN=1
// (set by CI), which makes their absence a failure.
//
// The package deliberately does not import client-go: it manages
// processes and credentials, and hands out kubeconfig files that any
// client can use.
package testcluster
