package externalize

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/externalize/eso"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/externalize/policy"
	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// Output is a file the run writes.
type Output struct {
	Path  string
	Mode  os.FileMode
	What  string
	data  []byte
	Wrote bool
}

// outputs renders every file: the ESO objects for what goes the eso way,
// the least-privilege grants, and (without --push) the secret values.
func (o *Options) outputs(c *claims, r *Result, ids []policy.Identity) ([]Output, error) {
	var out []Output
	add := func(rel string, mode os.FileMode, what string, data []byte) {
		out = append(out, Output{Path: filepath.Join(o.Out, rel), Mode: mode, What: what, data: data})
	}
	store := o.storeOptions()
	if len(r.Plan.Secrets) > 0 {
		data, err := eso.SecretStore(store)
		if err != nil {
			return nil, err
		}
		add("eso/"+store.Name+".yaml", 0o644, store.Kind+" "+store.Name+" ("+string(o.Provider)+")", data)
		if data, err = eso.ServiceAccount(store.ServiceAccount, o.Namespace, o.esoAnnotations()); err != nil {
			return nil, err
		}
		add("eso/"+store.ServiceAccount+".serviceaccount.yaml", 0o644, "ServiceAccount "+store.ServiceAccount+" (the store's identity)", data)
		for _, s := range r.Plan.Secrets {
			var d []eso.Data
			var keys []string
			for _, it := range s.Items {
				d = append(d, eso.Data{SecretKey: it.Key, RemoteKey: o.layout().Component(s.Component), Property: it.Key})
				keys = append(keys, it.Key)
			}
			data, err := eso.ExternalSecret(s.Name, o.Namespace, store, o.RefreshInterval, d)
			if err != nil {
				return nil, err
			}
			add("eso/"+s.Name+".externalsecret.yaml", 0o644, fmt.Sprintf("ExternalSecret %s (keys: %s)", s.Name, strings.Join(keys, ", ")), data)
		}
	}
	grants, err := o.grants(r.Secrets, ids)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(g.Path, ".sh") {
			mode = 0o755
		}
		add(g.Path, mode, "least-privilege grants", g.Data)
	}
	if !o.Push && len(r.Secrets) > 0 {
		data, err := secretsFile(r.Secrets)
		if err != nil {
			return nil, err
		}
		path := o.SecretsFile
		if path == "" {
			path = filepath.Join(o.Out, "secret-manager-values.yaml")
		}
		out = append(out, Output{Path: path, Mode: 0o600, What: "secret values to load into the manager (then delete it)", data: data})
	}
	return out, nil
}

func (o *Options) grants(secrets []*remote.Secret, ids []policy.Identity) ([]policy.File, error) {
	if len(secrets) == 0 {
		return nil, nil
	}
	switch o.Provider {
	case layout.Vault:
		return policy.Vault(secrets, ids, policy.VaultOptions{Prefix: o.Prefix, Mount: o.Vault.Mount, AuthPath: o.Vault.AuthPath})
	case layout.AWS:
		return policy.AWS(secrets, ids, policy.AWSOptions{Prefix: o.Prefix, Region: o.AWS.Region, AccountID: o.AWS.AccountID})
	case layout.GCP:
		return policy.GCP(secrets, ids, policy.GCPOptions{Prefix: o.Prefix, Project: o.GCP.Project}), nil
	default:
		return policy.Azure(secrets, ids), nil
	}
}

func (o *Options) storeOptions() eso.StoreOptions {
	return eso.StoreOptions{Name: o.Prefix + "-secret-store", Kind: o.StoreKind, Namespace: o.Namespace,
		ServiceAccount: o.esoServiceAccount(), Provider: o.Provider,
		VaultServer: o.Vault.Addr, VaultMount: o.Vault.Mount, VaultAuthPath: o.Vault.AuthPath, VaultRole: o.Prefix + "-" + esoIdentity,
		AWSRegion: o.AWS.Region, GCPProject: o.GCP.Project, GCPClusterLocation: o.GCP.ClusterLocation, GCPClusterName: o.GCP.ClusterName,
		AzureVaultURL: o.Azure.VaultURL, AzureTenantID: o.Azure.TenantID}
}

// esoAnnotations give the store's ServiceAccount its cloud identity, except
// in airflow-backend mode, where the flags annotate the Airflow one.
func (o *Options) esoAnnotations() map[string]string {
	if o.Mode == ModeBackend {
		return nil
	}
	return o.cloudAnnotations()
}

func encodeYAML(header string, v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
