// Package vaulttest starts a real HashiCorp Vault server in dev mode on
// 127.0.0.1 for tests: in-memory storage, unsealed, KV v2 mounted at
// secret/, a known root token. Nothing leaves the loopback interface.
//
// The vault binary is built by scripts/testbin.sh into $AIRLOCK_TESTBIN
// (default $HOME/.cache/airlock/testbin). When it is absent the calling
// test is skipped with a message, unless AIRLOCK_REQUIRE_TESTBIN=1 (set by
// CI), which makes its absence a failure.
package vaulttest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/airlockhq/airlock/internal/testcluster"
)

// RootToken is the dev server's root token. It is a test credential for a
// throw-away in-memory server, never a real one.
const RootToken = "root"

// Server is a running dev server.
type Server struct {
	// Addr is the base URL, http://127.0.0.1:PORT.
	Addr string
	// Log is the server's log file.
	Log string
}

// Binary returns the vault binary's path and whether it exists.
func Binary() (string, bool) {
	p := filepath.Join(testcluster.BinDir(), "vault")
	_, err := os.Stat(p)
	return p, err == nil
}

// Start launches a dev server for the test and stops it when the test
// ends. It skips (or fails, under AIRLOCK_REQUIRE_TESTBIN=1) when the
// binary is absent.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, ok := Binary()
	if !ok {
		if testcluster.Required() {
			t.Fatalf("vault binary missing at %s (run scripts/testbin.sh vault)", bin)
		}
		t.Skipf("vault binary missing at %s (run scripts/testbin.sh vault, or set AIRLOCK_TESTBIN)", bin)
	}
	dir := t.TempDir()
	var lastErr error
	// A free port can be taken by another process between the probe and
	// the server's bind; retry a few times with a new port.
	for range 3 {
		s, err := start(t, bin, dir)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("start vault dev server: %v", lastErr)
	return nil
}

func start(t testing.TB, bin, dir string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile := filepath.Join(dir, "vault-"+strconv.Itoa(port)+".log")
	out, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "server", "-dev", "-dev-listen-address="+addr, "-dev-root-token-id="+RootToken, "-dev-no-store-token")
	// The dev server writes ~/.vault-token unless told not to; HOME points
	// at the test's directory in any case so nothing outside it changes.
	cmd.Env = append(os.Environ(), "HOME="+dir, "VAULT_ADDR=", "VAULT_TOKEN=")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); _ = out.Close() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	s := &Server{Addr: "http://" + addr, Log: logFile}
	if err := waitReady(s.Addr, done, 30*time.Second); err != nil {
		stop()
		data, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("%w\n%s", err, tail(data))
	}
	t.Cleanup(stop)
	return s, nil
}

// waitReady polls /v1/sys/health until the server is unsealed and active.
func waitReady(addr string, done <-chan error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/v1/sys/health", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("vault exited before it was ready: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("vault not ready after %s", timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
