package externalize

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/fix/plan"
)

// Mode is an integration style.
type Mode string

// Modes.
const (
	ModeESO        Mode = "eso"
	ModeVaultAgent Mode = "vault-agent"
	ModeBackend    Mode = "airflow-backend"
)

// Options are the inputs of one run.
type Options struct {
	Values   []string
	Chart    string
	Provider layout.Provider
	Mode     Mode
	// Push writes the values into the manager; DryRun changes nothing
	// (with Push it still reads the manager to report what would change).
	Push, DryRun bool
	// Out receives manifests, policies and notes (no secret values).
	Out string
	// SecretsFile receives the values for the manager when not pushing
	// (mode 0600; default Out/secret-manager-values.yaml).
	SecretsFile string
	AllowInRepo bool
	// Prefix starts Kubernetes Secret names and policy/role names;
	// RemotePrefix starts secret names in the manager (default Prefix).
	Prefix, RemotePrefix string
	// Namespace of the Airflow release; Release its name (the chart names
	// its ServiceAccount after it unless ServiceAccount is set).
	Namespace, Release, ServiceAccount string
	// RefreshInterval of the ExternalSecrets; StoreKind SecretStore or
	// ClusterSecretStore.
	RefreshInterval, StoreKind string
	Vault                      VaultOptions
	AWS                        AWSOptions
	GCP                        GCPOptions
	Azure                      AzureOptions
	// Rand is the source of generated values (tests); crypto/rand if nil.
	Rand io.Reader
	// Store replaces the manager client (tests).
	Store remote.Store
}

// VaultOptions locate Vault.
type VaultOptions struct {
	// Addr is the address the pods and ESO use (and --push, unless
	// VAULT_ADDR says otherwise).
	Addr, Mount, AuthPath string
}

// AWSOptions locate AWS Secrets Manager.
type AWSOptions struct{ Region, AccountID, RoleARN string }

// GCPOptions locate Google Secret Manager.
type GCPOptions struct{ Project, ClusterLocation, ClusterName, ServiceAccount string }

// AzureOptions locate Azure Key Vault.
type AzureOptions struct{ VaultURL, TenantID, ClientID string }

// ErrUsage marks invalid options (exit code 2).
var ErrUsage = errors.New("invalid usage")

var (
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	remoteRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$`)
)

func (o *Options) validate() error {
	usage := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrUsage}, a...)...)
	}
	if len(o.Values) == 0 {
		return usage("no values files: pass at least one -f FILE")
	}
	if !slices.Contains(layout.Providers, o.Provider) {
		return usage("--provider must be vault, aws, gcp or azure, not %q", o.Provider)
	}
	switch o.Mode {
	case ModeESO, ModeBackend:
	case ModeVaultAgent:
		if o.Provider != layout.Vault {
			return usage("--mode vault-agent needs --provider vault (the Vault Agent Injector reads only Vault)")
		}
	default:
		return usage("--mode must be eso, vault-agent or airflow-backend, not %q", o.Mode)
	}
	o.defaults()
	for _, c := range []struct{ flag, v string }{{"--secret-prefix", o.Prefix}, {"--namespace", o.Namespace}, {"--release", o.Release}, {"--service-account", o.ServiceAccount}} {
		if !dnsLabel.MatchString(c.v) {
			return usage("%s %q is not a valid Kubernetes name (lower-case letters, digits, dashes)", c.flag, c.v)
		}
	}
	if !remoteRE.MatchString(o.RemotePrefix) {
		return usage("--remote-prefix %q: use letters, digits, '-' and '_' only", o.RemotePrefix)
	}
	if _, err := time.ParseDuration(o.RefreshInterval); err != nil {
		return usage("--refresh-interval %q: %v", o.RefreshInterval, err)
	}
	if o.StoreKind != "SecretStore" && o.StoreKind != "ClusterSecretStore" {
		return usage("--store-kind must be SecretStore or ClusterSecretStore")
	}
	if o.Out == "" && !o.DryRun {
		return usage("--out DIR is required (manifests and policies go there); use --dry-run to preview")
	}
	return o.validateProvider(usage)
}

func (o *Options) validateProvider(usage func(string, ...any) error) error {
	switch o.Provider {
	case layout.Vault:
		if o.Vault.Addr == "" {
			return usage("--vault-addr is required: the Vault address the pods and the External Secrets Operator use")
		}
		if !strings.HasPrefix(o.Vault.Addr, "https://") && !strings.HasPrefix(o.Vault.Addr, "http://") {
			return usage("--vault-addr %q must be an http(s) URL", o.Vault.Addr)
		}
	case layout.AWS:
		if o.AWS.Region == "" {
			return usage("--aws-region is required for --provider aws")
		}
	case layout.GCP:
		if o.GCP.Project == "" {
			return usage("--gcp-project is required for --provider gcp")
		}
	case layout.Azure:
		if !strings.HasPrefix(o.Azure.VaultURL, "https://") {
			return usage("--azure-vault-url https://NAME.vault.azure.net/ is required for --provider azure")
		}
	}
	return nil
}

func (o *Options) defaults() {
	if o.Prefix == "" {
		o.Prefix = plan.DefaultPrefix
	}
	if o.RemotePrefix == "" {
		o.RemotePrefix = o.Prefix
	}
	if o.Namespace == "" {
		o.Namespace = "airflow"
	}
	if o.Release == "" {
		o.Release = "airflow"
	}
	if o.ServiceAccount == "" {
		o.ServiceAccount = o.Release
	}
	if o.RefreshInterval == "" {
		o.RefreshInterval = "1h"
	}
	if o.StoreKind == "" {
		o.StoreKind = "SecretStore"
	}
	if o.Vault.Mount == "" {
		o.Vault.Mount = "secret"
	}
	o.Vault.Mount = strings.Trim(o.Vault.Mount, "/")
	if o.Vault.AuthPath == "" {
		o.Vault.AuthPath = "kubernetes"
	}
	o.Vault.AuthPath = strings.Trim(o.Vault.AuthPath, "/")
}

func (o *Options) layout() layout.Layout {
	return layout.Layout{Provider: o.Provider, Prefix: o.RemotePrefix}
}

// esoIdentity is the reader name (and ServiceAccount suffix) of the
// External Secrets Operator store; backendIdentity the one of Airflow's
// secrets backend.
const (
	esoIdentity     = "external-secrets"
	backendIdentity = "backend"
)

func (o *Options) esoServiceAccount() string { return o.Prefix + "-" + esoIdentity }
