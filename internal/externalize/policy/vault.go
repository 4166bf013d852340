package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// VaultOptions place the grants.
type VaultOptions struct {
	// Prefix starts policy and role names: <prefix>-<identity>.
	Prefix string
	// Mount is the KV v2 mount ("secret").
	Mount string
	// AuthPath is the Kubernetes auth mount ("kubernetes").
	AuthPath string
	// TokenTTL of the tokens the roles issue ("1h").
	TokenTTL string
}

// VaultRole is the body of auth/<AuthPath>/role/<name>.
type VaultRole struct {
	BoundServiceAccountNames      []string `json:"bound_service_account_names"`
	BoundServiceAccountNamespaces []string `json:"bound_service_account_namespaces"`
	TokenPolicies                 []string `json:"token_policies"`
	TokenTTL                      string   `json:"token_ttl"`
	TokenMaxTTL                   string   `json:"token_max_ttl"`
}

// PolicyName is the Vault policy (and role) name of an identity.
func (o VaultOptions) PolicyName(id string) string { return o.Prefix + "-" + id }

// DataPath is the API path of a secret's data in the KV v2 mount.
func (o VaultOptions) DataPath(name string) string { return path.Join(o.Mount, "data", name) }

// Vault renders, for each identity that reads something, its policy and
// role, the pusher's policy, and apply.sh which loads them with the vault
// CLI.
func Vault(secrets []*remote.Secret, ids []Identity, o VaultOptions) ([]File, error) {
	o = o.withDefaults()
	var files []File
	var script strings.Builder
	script.WriteString(vaultScriptHeader)
	for _, id := range sortedIDs(secrets, ids) {
		name := o.PolicyName(id.Name)
		files = append(files, File{Path: "vault/policies/" + name + ".hcl", Data: VaultPolicy(o, readable(secrets, id.Name), id.What, false)})
		role := VaultRole{
			BoundServiceAccountNames:      []string{id.ServiceAccount},
			BoundServiceAccountNamespaces: []string{id.Namespace},
			TokenPolicies:                 []string{name},
			TokenTTL:                      o.TokenTTL,
			TokenMaxTTL:                   o.TokenTTL,
		}
		data, err := json.MarshalIndent(role, "", "  ")
		if err != nil {
			return nil, err
		}
		files = append(files, File{Path: "vault/roles/" + name + ".json", Data: append(data, '\n')})
		fmt.Fprintf(&script, "vault policy write %s policies/%s.hcl\n", name, name)
		fmt.Fprintf(&script, "vault write auth/%s/role/%s @roles/%s.json\n", o.AuthPath, name, name)
	}
	push := o.PolicyName(Pusher)
	files = append(files, File{Path: "vault/policies/" + push + ".hcl", Data: VaultPolicy(o, names(secrets), "whoever runs `airlock externalize --push`", true)})
	fmt.Fprintf(&script, "# For the person or pipeline that runs `airlock externalize --push`:\nvault policy write %s policies/%s.hcl\n", push, push)
	files = append(files, File{Path: "vault/apply.sh", Data: []byte(script.String())})
	return files, nil
}

const vaultScriptHeader = `#!/bin/sh
# Written by airlock externalize. Loads the least-privilege policies and the
# Kubernetes auth roles into Vault (VAULT_ADDR and VAULT_TOKEN of an admin).
# Enable Kubernetes auth once first: vault auth enable kubernetes, then
# vault write auth/kubernetes/config kubernetes_host=https://<API server>.
set -eu
cd "$(dirname "$0")"
`

// VaultPolicy renders an HCL policy: read on each secret's data path, or
// for the pusher, create/update/read on the data path and read on the
// metadata path (check-and-set needs the current version).
func VaultPolicy(o VaultOptions, secrets []string, what string, write bool) []byte {
	o = o.withDefaults()
	var b bytes.Buffer
	access := "Read-only access"
	if write {
		access = "Write access"
	}
	fmt.Fprintf(&b, "# Written by airlock externalize. %s for %s:\n# exactly the secrets it needs, nothing else.\n", access, what)
	for _, s := range secrets {
		caps := `["read"]`
		if write {
			caps = `["create", "read", "update"]`
		}
		fmt.Fprintf(&b, "\npath %q {\n  capabilities = %s\n}\n", o.DataPath(s), caps)
		if write {
			fmt.Fprintf(&b, "\npath %q {\n  capabilities = [\"read\"]\n}\n", path.Join(o.Mount, "metadata", s))
		}
	}
	return b.Bytes()
}

func (o VaultOptions) withDefaults() VaultOptions {
	if o.Mount == "" {
		o.Mount = "secret"
	}
	o.Mount = strings.Trim(o.Mount, "/")
	if o.AuthPath == "" {
		o.AuthPath = "kubernetes"
	}
	o.AuthPath = strings.Trim(o.AuthPath, "/")
	if o.TokenTTL == "" {
		o.TokenTTL = "1h"
	}
	if o.Prefix == "" {
		o.Prefix = "airflow"
	}
	return o
}
