package externalize

import (
	"context"
	"fmt"
	"os"

	"github.com/airlockhq/airlock/internal/externalize/aws"
	"github.com/airlockhq/airlock/internal/externalize/azure"
	"github.com/airlockhq/airlock/internal/externalize/gcp"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/externalize/vault"
)

// newStore connects to the manager with the operator's own credentials
// (never a flag): VAULT_TOKEN or the vault CLI's token for Vault, the
// cloud SDKs' default credential chains for the clouds.
func newStore(ctx context.Context, o *Options) (remote.Store, error) {
	switch o.Provider {
	case layout.Vault:
		addr := o.Vault.Addr
		if os.Getenv("VAULT_ADDR") != "" {
			addr = "" // the operator's address for Vault wins over the in-cluster one
		}
		c, err := vault.NewClient(addr)
		if err != nil {
			return nil, err
		}
		return vault.New(c, o.Vault.Mount), nil
	case layout.AWS:
		return aws.NewFromEnvironment(ctx, o.AWS.Region)
	case layout.GCP:
		return gcp.New(ctx, o.GCP.Project)
	case layout.Azure:
		return azure.NewFromEnvironment(o.Azure.VaultURL)
	}
	return nil, fmt.Errorf("unknown provider %q", o.Provider)
}
