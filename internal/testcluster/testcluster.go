package testcluster

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Admin is the user every cluster has: a member of system:masters, which
// bypasses RBAC.
const Admin = "admin"

// User is a static-token identity known to the API server.
type User struct {
	Name   string
	Groups []string
}

// Options configure Start.
type Options struct {
	// BinDir holds etcd and kube-apiserver; default BinDir().
	BinDir string
	// Users are identities in addition to Admin. Their tokens are
	// generated; Kubeconfig writes them into per-user kubeconfig files.
	Users []User
	// ReadyTimeout bounds the wait for /readyz; default 90 s, generous
	// because CI machines are shared.
	ReadyTimeout time.Duration
}

// Cluster is a running etcd and kube-apiserver.
type Cluster struct {
	// Server is the API server URL, https://127.0.0.1:PORT.
	Server string
	// CAFile is the API server's self-signed certificate, usable as a CA.
	CAFile string

	dir    string
	tokens map[string]string
	procs  []*process
}

// ErrNoBinaries reports that etcd or kube-apiserver is not installed.
var ErrNoBinaries = errors.New("test binaries not found")

// BinDir returns where scripts/testbin.sh puts the binaries.
func BinDir() string {
	if d := os.Getenv("AIRLOCK_TESTBIN"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".cache", "airlock", "testbin")
	}
	return filepath.Join(home, ".cache", "airlock", "testbin")
}

// Start launches etcd and kube-apiserver in a temporary directory and
// waits until the API server is ready. On error nothing is left running.
func Start(ctx context.Context, o Options) (_ *Cluster, err error) {
	if o.BinDir == "" {
		o.BinDir = BinDir()
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 90 * time.Second
	}
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(o.BinDir, b)); err != nil {
			return nil, fmt.Errorf("%w: %s in %s (run scripts/testbin.sh etcd kube-apiserver)", ErrNoBinaries, b, o.BinDir)
		}
	}
	dir, err := os.MkdirTemp("", "airlock-testcluster-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, tokens: map[string]string{}, CAFile: filepath.Join(dir, "certs", "apiserver.crt")}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if err := c.writeCredentials(o.Users); err != nil {
		return nil, err
	}
	if err := c.startServers(o.BinDir); err != nil {
		return nil, err
	}
	if err := c.waitReady(ctx, o.ReadyTimeout); err != nil {
		return nil, err
	}
	for name := range c.tokens {
		if err := c.writeKubeconfig(name); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// startServers starts etcd and the API server on free loopback ports.
func (c *Cluster) startServers(bin string) error {
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	dir := c.dir
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	etcd, err := startProcess(filepath.Join(bin, "etcd"), filepath.Join(dir, "etcd.log"),
		"--name", "test", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "test="+peerURL, "--log-level", "warn",
		// Test data is thrown away: skipping fsync saves seconds per test
		// package on slow disks.
		"--unsafe-no-fsync")
	if err != nil {
		return err
	}
	c.procs = append(c.procs, etcd)
	c.Server = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	api, err := startProcess(filepath.Join(bin, "kube-apiserver"), filepath.Join(dir, "apiserver.log"),
		"--etcd-servers="+etcdURL, "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[2]),
		"--cert-dir="+filepath.Join(dir, "certs"), "--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", "--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(dir, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24", "--authorization-mode=RBAC",
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"),
		"--disable-admission-plugins=ServiceAccount")
	if err != nil {
		return err
	}
	c.procs = append(c.procs, api)
	return nil
}

// Stop kills both processes and removes the temporary directory.
func (c *Cluster) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		c.procs[i].stop()
	}
	c.procs = nil
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

// Kubeconfig returns the path of a kubeconfig file for user, with one
// context named after the user ("admin", ...). It panics for an unknown
// user: that is a bug in the test.
func (c *Cluster) Kubeconfig(user string) string {
	if _, ok := c.tokens[user]; !ok {
		panic("testcluster: unknown user " + user)
	}
	return filepath.Join(c.dir, "kubeconfig-"+user)
}

// Token returns user's bearer token.
func (c *Cluster) Token(user string) string { return c.tokens[user] }

// Dir is a scratch directory that lives as long as the cluster.
func (c *Cluster) Dir() string { return c.dir }

// Logs returns the tail of the API server's log, for failure messages.
func (c *Cluster) Logs() string {
	if len(c.procs) < 2 {
		return ""
	}
	return c.procs[1].tail()
}

func (c *Cluster) writeCredentials(users []User) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"sa.key": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"sa.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
	}
	var csv strings.Builder
	all := append([]User{{Name: Admin, Groups: []string{"system:masters"}}}, users...)
	for i, u := range all {
		if _, dup := c.tokens[u.Name]; dup || u.Name == "" || strings.ContainsAny(u.Name, ",\"\n/") {
			return fmt.Errorf("testcluster: invalid or duplicate user name %q", u.Name)
		}
		tok := make([]byte, 16)
		if _, err := rand.Read(tok); err != nil {
			return err
		}
		c.tokens[u.Name] = hex.EncodeToString(tok)
		// token,user,uid,"group1,group2"
		fmt.Fprintf(&csv, "%s,%s,uid-%d,\"%s\"\n", c.tokens[u.Name], u.Name, i, strings.Join(u.Groups, ","))
	}
	files["tokens.csv"] = []byte(csv.String())
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(c.dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) writeKubeconfig(user string) error {
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: %s
  context:
    cluster: test
    user: %s
    namespace: default
current-context: %s
`, c.Server, c.CAFile, user, c.tokens[user], user, user, user)
	return os.WriteFile(c.Kubeconfig(user), []byte(cfg), 0o600)
}

// waitReady polls /readyz until it answers 200 or the timeout passes.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// The certificate does not exist before the server writes it, so the
	// readiness probe cannot verify it; clients use the CA file afterwards.
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback readiness probe only
	}}
	var last error
	for {
		for _, p := range c.procs {
			if err := p.exited(); err != nil {
				return fmt.Errorf("%s exited before the cluster was ready: %w\n%s", p.name, err, p.tail())
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Server+"/readyz", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.tokens[Admin])
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if _, err := os.Stat(c.CAFile); err == nil {
					return nil
				}
			}
			last = fmt.Errorf("readyz: %s", resp.Status)
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready after %s: %v\n%s", timeout, last, c.Logs())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// freePorts asks the kernel for n unused loopback ports. Another process
// could take one before the servers bind it; Start then fails with the
// server's own error, which is rare enough for tests.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
