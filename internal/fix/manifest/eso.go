package manifest

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/plan"
)

// Store names the SecretStore the ExternalSecrets read from.
type Store struct {
	Name string // default "<prefix>-secret-store"
	Kind string // SecretStore (default) or ClusterSecretStore
	// RemotePrefix starts every remote key: <RemotePrefix>/<component>.
	RemotePrefix string
	// RefreshInterval is how often ESO re-reads the store (default 1h).
	RefreshInterval string
}

func (s Store) withDefaults(prefix string) Store {
	if s.Name == "" {
		s.Name = prefix + "-secret-store"
	}
	if s.Kind == "" {
		s.Kind = "SecretStore"
	}
	if s.RemotePrefix == "" {
		s.RemotePrefix = prefix
	}
	if s.RefreshInterval == "" {
		s.RefreshInterval = "1h"
	}
	return s
}

// RemoteKey is where a Secret's values live in the secret manager.
func (s Store) RemoteKey(p *plan.Plan, sec *plan.Secret) string {
	return strings.TrimSuffix(s.withDefaults(p.Prefix).RemotePrefix, "/") + "/" + sec.Component
}

type externalSecret struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
	Spec       esSpec `yaml:"spec"`
}

type esSpec struct {
	RefreshInterval string   `yaml:"refreshInterval"`
	SecretStoreRef  storeRef `yaml:"secretStoreRef"`
	Target          esTarget `yaml:"target"`
	Data            []esData `yaml:"data"`
}

type storeRef struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
}

type esTarget struct {
	Name           string `yaml:"name"`
	CreationPolicy string `yaml:"creationPolicy"`
}

type esData struct {
	SecretKey string    `yaml:"secretKey"`
	RemoteRef remoteRef `yaml:"remoteRef"`
}

type remoteRef struct {
	Key      string `yaml:"key"`
	Property string `yaml:"property"`
}

// ExternalSecret renders the ExternalSecret that makes ESO create sec from
// the secret manager. It holds key names only, never values.
func ExternalSecret(p *plan.Plan, sec *plan.Secret, st Store, namespace string) ([]byte, error) {
	st = st.withDefaults(p.Prefix)
	es := externalSecret{APIVersion: ESOAPIVersion, Kind: "ExternalSecret", Metadata: objectMeta(sec.Name, namespace),
		Spec: esSpec{RefreshInterval: st.RefreshInterval, SecretStoreRef: storeRef{Name: st.Name, Kind: st.Kind},
			Target: esTarget{Name: sec.Name, CreationPolicy: "Owner"}}}
	for _, it := range sec.Items {
		es.Spec.Data = append(es.Spec.Data, esData{SecretKey: it.Key, RemoteRef: remoteRef{Key: st.RemoteKey(p, sec), Property: it.Key}})
	}
	return Encode("# Written by airlock fix. No secret values: safe to commit.\n", es)
}

// SecretStore renders a skeleton store (HashiCorp Vault KV v2 with
// Kubernetes auth) to adapt to the secret manager in use.
func SecretStore(p *plan.Plan, st Store, namespace string) ([]byte, error) {
	st = st.withDefaults(p.Prefix)
	kind := st.Kind
	if namespace != "" && kind == "ClusterSecretStore" {
		namespace = ""
	}
	body := map[string]any{
		"apiVersion": ESOAPIVersion, "kind": kind, "metadata": objectMeta(st.Name, namespace),
		"spec": map[string]any{"provider": map[string]any{"vault": map[string]any{
			"server": "https://vault.example.com:8200", "path": "secret", "version": "v2",
			"auth": map[string]any{"kubernetes": map[string]any{"mountPath": "kubernetes", "role": p.Prefix}},
		}}},
	}
	header := fmt.Sprintf("# Written by airlock fix: a SecretStore skeleton. Point it at your secret manager\n# (any External Secrets Operator provider); the ExternalSecrets read %s/<component>.\n", st.RemotePrefix)
	return Encode(header, body)
}

// Values renders the file a user loads into the secret manager: remote
// key, then property: value. It holds every secret: write it with 0600.
func Values(p *plan.Plan, st Store) ([]byte, error) {
	out := map[string]map[string]string{}
	for _, sec := range p.Secrets {
		props := map[string]string{}
		for _, it := range sec.Items {
			props[it.Key] = it.Value.Reveal()
		}
		out[st.RemoteKey(p, sec)] = props
	}
	return Encode("# Written by airlock fix. Secret values for your secret manager: load them, then delete this file.\n# Each top-level key is a remote key; its entries are the properties the ExternalSecrets read.\n", out)
}

// ReadValues parses a values file written by Values back into remote key
// → property → value.
func ReadValues(data []byte) (map[string]map[string]string, error) {
	var out map[string]map[string]string
	if err := yamlUnmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}
