// Package layout names the secrets airlock externalize keeps in each
// secret manager, in the layout Airflow's own secrets backends read:
//
//	               Vault (KV v2 path)       AWS (name)               Google Cloud / Azure (id)
//	component      airflow/database         airflow/database         airflow-database
//	connection     airflow/connections/ID   airflow/connections/ID   airflow-connections-ID
//	variable       airflow/variables/KEY    airflow/variables/KEY    airflow-variables-KEY
//	config option  airflow/config/KEY       airflow/config/KEY       airflow-config-KEY
//
// ("airflow" is the remote prefix.) Azure names allow only letters,
// digits and dashes, and Airflow's Azure backend turns every "_" of a name
// into "-", so the Azure layout does the same.
package layout

import (
	"fmt"
	"regexp"
	"strings"
)

// Provider is a secret manager.
type Provider string

// Providers.
const (
	Vault Provider = "vault"
	AWS   Provider = "aws"
	GCP   Provider = "gcp"
	Azure Provider = "azure"
)

// Providers lists every provider.
var Providers = []Provider{Vault, AWS, GCP, Azure}

// Layout names secrets for one provider below one prefix.
type Layout struct {
	Provider Provider
	Prefix   string
}

// Sep joins the parts of a name.
func (l Layout) Sep() string {
	if l.Provider == GCP || l.Provider == Azure {
		return "-"
	}
	return "/"
}

// Component names the secret that backs a Kubernetes Secret component
// (database, fernet-key, ...).
func (l Layout) Component(c string) string { return l.join(c) }

// ConnectionsPrefix, VariablesPrefix and ConfigPrefix are what the
// Airflow backend is configured with.
func (l Layout) ConnectionsPrefix() string { return l.join("connections") }

// VariablesPrefix is the variables' prefix.
func (l Layout) VariablesPrefix() string { return l.join("variables") }

// ConfigPrefix is the config options' prefix.
func (l Layout) ConfigPrefix() string { return l.join("config") }

// Connection names an Airflow connection's secret.
func (l Layout) Connection(id string) string { return l.join("connections", id) }

// Variable names an Airflow variable's secret.
func (l Layout) Variable(key string) string { return l.join("variables", key) }

// Config names an Airflow config option's secret.
func (l Layout) Config(key string) string { return l.join("config", key) }

func (l Layout) join(parts ...string) string {
	name := strings.Trim(l.Prefix, "/-") + l.Sep() + strings.Join(parts, l.Sep())
	if l.Provider == Azure {
		name = strings.ReplaceAll(name, "_", "-")
	}
	return name
}

var validName = map[Provider]*regexp.Regexp{
	// No glob characters (* +) that a Vault policy path would expand.
	Vault: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,511}$`),
	AWS:   regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]{1,512}$`),
	GCP:   regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`),
	Azure: regexp.MustCompile(`^[A-Za-z0-9-]{1,127}$`),
}

// Check reports why name cannot be a secret name of the provider.
func (l Layout) Check(name string) error {
	re := validName[l.Provider]
	if re == nil {
		return fmt.Errorf("unknown provider %q", l.Provider)
	}
	if !re.MatchString(name) || strings.Contains(name, "//") || strings.Contains(name, "..") {
		return fmt.Errorf("%q is not a valid %s secret name", name, l.Provider)
	}
	return nil
}
