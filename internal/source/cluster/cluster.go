package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options select the cluster and identity, as kubectl's flags do.
type Options struct {
	// Kubeconfig is a kubeconfig file; "" uses $KUBECONFIG or ~/.kube/config.
	Kubeconfig string
	// Context is a kubeconfig context; "" uses the current context.
	Context string
	// Timeout bounds each request; default 30 s.
	Timeout time.Duration
}

// Info describes the connection, for reports and error messages.
type Info struct {
	Server  string
	Context string
	// Namespace is the context's namespace ("default" when it sets none).
	Namespace string
}

// Client reads one cluster.
type Client struct {
	kube kubernetes.Interface
	dyn  dynamic.Interface
	info Info
}

// ErrConfig wraps kubeconfig problems: the user must fix their input.
var ErrConfig = errors.New("kubeconfig")

// Open builds a client from a kubeconfig. It does no I/O against the
// cluster; Check does.
func Open(o Options) (*Client, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if o.Kubeconfig != "" {
		rules.ExplicitPath = o.Kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: o.Context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	name := o.Context
	if name == "" {
		name = raw.CurrentContext
	}
	if o.Timeout == 0 {
		o.Timeout = 30 * time.Second
	}
	cfg.Timeout = o.Timeout
	// client-go's default of 5 requests per second would make an audit of a
	// large cluster crawl; airlock only reads, in bounded pages.
	cfg.QPS, cfg.Burst = 50, 100
	cfg.UserAgent = "airlock-audit"
	return NewForConfig(cfg, Info{Server: cfg.Host, Context: name, Namespace: ns})
}

// NewForConfig builds a client from a REST config.
func NewForConfig(cfg *rest.Config, info Info) (*Client, error) {
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return New(kube, dyn, info), nil
}

// New wraps existing clients (tests pass client-go's fakes). dyn may be
// nil: External Secrets are then reported as not installed.
func New(kube kubernetes.Interface, dyn dynamic.Interface, info Info) *Client {
	if info.Namespace == "" {
		info.Namespace = "default"
	}
	return &Client{kube: kube, dyn: dyn, info: info}
}

// Info describes the connection.
func (c *Client) Info() Info { return c.info }

// Check asks the server for its version: the cheapest call that proves
// the server is reachable and accepts the credentials (any authenticated
// identity may read /version).
func (c *Client) Check(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	v, err := c.kube.Discovery().ServerVersion()
	if err != nil {
		return "", wrap("connect to the Kubernetes API at "+c.info.Server, err)
	}
	return v.GitVersion, nil
}
