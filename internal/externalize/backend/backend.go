// Package backend configures Airflow's own secrets backend for a secret
// manager (the [secrets] backend and backend_kwargs options, with no
// credential in them: Kubernetes auth for Vault, the pod's cloud identity
// for AWS, Google Cloud and Azure) and turns airflow.connections and
// airflow.variables items into what that backend reads.
package backend

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Classes of Airflow's provider backends.
var Classes = map[layout.Provider]string{
	layout.Vault: "airflow.providers.hashicorp.secrets.vault.VaultBackend",
	layout.AWS:   "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
	layout.GCP:   "airflow.providers.google.cloud.secrets.secret_manager.CloudSecretManagerBackend",
	layout.Azure: "airflow.providers.microsoft.azure.secrets.key_vault.AzureKeyVaultBackend",
}

// Packages are the pip packages that provide them.
var Packages = map[layout.Provider]string{
	layout.Vault: "apache-airflow-providers-hashicorp",
	layout.AWS:   "apache-airflow-providers-amazon",
	layout.GCP:   "apache-airflow-providers-google",
	layout.Azure: "apache-airflow-providers-microsoft-azure",
}

// Options locate the manager.
type Options struct {
	Layout layout.Layout
	// Vault
	VaultURL, VaultMount, VaultAuthPath, VaultRole string
	// AWS
	AWSRegion string
	// Google Cloud
	GCPProject string
	// Azure
	AzureVaultURL string
}

// Config returns the backend class and its kwargs as JSON with sorted keys.
// The kwargs never hold a token or key: Vault logs in with the pod's
// ServiceAccount token (Kubernetes auth), the clouds use the pod's
// workload identity through their default credential chains.
func Config(o Options) (string, string, error) {
	l := o.Layout
	kw := map[string]any{
		prefixKey(l.Provider, "connections"): l.ConnectionsPrefix(),
		prefixKey(l.Provider, "variables"):   l.VariablesPrefix(),
		prefixKey(l.Provider, "config"):      l.ConfigPrefix(),
	}
	switch l.Provider {
	case layout.Vault:
		if o.VaultURL == "" {
			return "", "", fmt.Errorf("the Vault backend needs the Vault address as the pods reach it (--vault-addr)")
		}
		kw["url"], kw["mount_point"], kw["kv_engine_version"] = o.VaultURL, o.VaultMount, 2
		kw["auth_type"], kw["kubernetes_role"] = "kubernetes", o.VaultRole
		if o.VaultAuthPath != "" && o.VaultAuthPath != "kubernetes" {
			kw["auth_mount_point"] = o.VaultAuthPath
		}
	case layout.AWS:
		if o.AWSRegion != "" {
			kw["region_name"] = o.AWSRegion
		}
	case layout.GCP:
		kw["sep"] = "-"
		if o.GCPProject != "" {
			kw["project_id"] = o.GCPProject
		}
	case layout.Azure:
		if o.AzureVaultURL == "" {
			return "", "", fmt.Errorf("the Azure backend needs the key vault URL (--azure-vault-url)")
		}
		kw["sep"], kw["vault_url"] = "-", o.AzureVaultURL
	default:
		return "", "", fmt.Errorf("unknown provider %q", l.Provider)
	}
	data, err := json.Marshal(kw) // maps marshal with sorted keys
	if err != nil {
		return "", "", err
	}
	return Classes[l.Provider], string(data), nil
}

// prefixKey is the kwarg naming a prefix: Vault's backend says
// connections_path, the others connections_prefix.
func prefixKey(p layout.Provider, what string) string {
	if p == layout.Vault {
		return what + "_path"
	}
	return what + "_prefix"
}

// Field is one field of a connection as Airflow's Connection takes it.
type Field struct{ Key, Value string }

// connFields maps the chart's airflow.connections keys to Connection's.
var connFields = [][2]string{
	{"type", "conn_type"}, {"description", "description"}, {"host", "host"}, {"login", "login"},
	{"password", "password"}, {"schema", "schema"}, {"port", "port"}, {"extra", "extra"},
}

// substituted are the fields the chart's sync script expands templates in.
var substituted = map[string]bool{"host": true, "login": true, "password": true, "schema": true, "extra": true, "value": true}

// Connection converts one airflow.connections item as the chart's sync
// would store it. templates are the names defined in
// airflow.connectionsTemplates: a field that uses one is refused (its value
// lives in a Kubernetes object airlock cannot read); with templates
// defined, the sync expands "$$" to "$" (Python's Template), and so does
// the conversion.
func Connection(item *yamltree.Node, templates map[string]bool) (id string, fields []Field, why string) {
	if item == nil || item.Kind != yamltree.Map {
		return "", nil, "the item is not a mapping"
	}
	id = strings.TrimSpace(item.Get("id").Text())
	if id == "" {
		return "", nil, "the connection has no id"
	}
	known := map[string]bool{"id": true}
	for _, f := range connFields {
		known[f[0]] = true
		n := item.Get(f[0])
		if n == nil || n.Kind == yamltree.Null || n.Value == "" && n.Kind == yamltree.Scalar {
			continue
		}
		if n.Kind != yamltree.Scalar {
			return id, nil, fmt.Sprintf("connection %s: %s is not a scalar", id, f[0])
		}
		v, ok := expand(n.Value, templates, substituted[f[0]])
		if !ok {
			return id, nil, fmt.Sprintf("connection %s: %s uses a template from airflow.connectionsTemplates, whose value airlock cannot read", id, f[0])
		}
		fields = append(fields, Field{Key: f[1], Value: v})
	}
	for _, e := range item.Entries {
		if !known[e.Key] {
			return id, nil, fmt.Sprintf("connection %s: unknown key %q", id, e.Key)
		}
	}
	slices.SortFunc(fields, func(a, b Field) int { return strings.Compare(a.Key, b.Key) })
	return id, fields, ""
}

// Variable converts one airflow.variables item (templates: the names in
// airflow.variablesTemplates).
func Variable(item *yamltree.Node, templates map[string]bool) (key, value, why string) {
	if item == nil || item.Kind != yamltree.Map {
		return "", "", "the item is not a mapping"
	}
	key = strings.TrimSpace(item.Get("key").Text())
	v := item.Get("value")
	switch {
	case key == "":
		return "", "", "the variable has no key"
	case v == nil || v.Kind != yamltree.Scalar:
		return key, "", fmt.Sprintf("variable %s: the value is not a scalar", key)
	}
	value, ok := expand(v.Value, templates, true)
	if !ok {
		return key, "", fmt.Sprintf("variable %s uses a template from airflow.variablesTemplates, whose value airlock cannot read", key)
	}
	return key, value, ""
}

var placeholderRE = regexp.MustCompile(`\$(\$|[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})`)

// expand applies the sync script's substitution: none without templates;
// with templates, Template.safe_substitute, which airlock can only do when
// no defined template is referenced ("$$" becomes "$", unknown names stay).
func expand(s string, templates map[string]bool, substitutes bool) (string, bool) {
	if len(templates) == 0 || !substitutes {
		return s, true
	}
	ok := true
	out := placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		if templates[strings.Trim(m[1:], "{}")] {
			ok = false
		}
		return m
	})
	return out, ok
}
