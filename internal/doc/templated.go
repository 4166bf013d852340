package doc

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// templateVarRE finds the chart's ${VAR} placeholders.
var templateVarRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// syncFeature is one of the chart's sync jobs: users, connections or
// variables, with the ${VAR} templates that fill them from Secrets.
type syncFeature struct {
	list, templates string // values keys under airflow
	idField         string // the field naming an item
	fields          []string
	// secretOnly fields are secrets even without a finding (passwords);
	// others (URLs, JSON) only when the scan found a credential in them.
	secretOnly string
	component  string // the sync Deployment's component label
	script     string // the key of the rendered script Secret
	label      func(id string) string
	kind       func(id string) policy.Kind
	idPrefix   string
}

var syncFeatures = []syncFeature{
	{list: "users", templates: "usersTemplates", idField: "username", fields: []string{"password"}, secretOnly: "password",
		component: "sync-users", script: "sync_users.py", idPrefix: "user",
		label: func(id string) string { return "Web UI user " + id + ": password" },
		kind:  func(string) policy.Kind { return policy.Other }},
	{list: "connections", templates: "connectionsTemplates", idField: "id", fields: []string{"password", "extra", "uri", "host"}, secretOnly: "password",
		component: "sync-connections", script: "sync_connections.py", idPrefix: "connection",
		label: func(id string) string { return "Connection " + id },
		kind:  func(string) policy.Kind { return policy.Connection }},
	{list: "variables", templates: "variablesTemplates", idField: "key", fields: []string{"value"},
		component: "sync-variables", script: "sync_variables.py", idPrefix: "variable",
		label: func(id string) string { return "Variable " + id },
		kind: func(id string) policy.Kind {
			if k := policy.Classify("", id, ""); k != "" {
				return k
			}
			return policy.Other
		}},
}

// templated adds users, connections and variables whose fields hold a
// secret: a ${VAR} backed by a *Templates entry, or a literal.
func (b *builder) templated() {
	for _, f := range syncFeatures {
		list := b.at("airflow." + f.list)
		if list == nil || list.Kind != yamltree.Seq {
			continue
		}
		for i, item := range list.Items {
			if s := b.syncItem(f, i, item); s != nil {
				b.secrets = append(b.secrets, s)
			}
		}
	}
}

func (b *builder) syncItem(f syncFeature, i int, item *yamltree.Node) *Secret {
	id := item.Get(f.idField).Text()
	if id == "" {
		id = fmt.Sprintf("#%d", i)
	}
	base := yamltree.Path{{Key: "airflow"}, {Key: f.list}}.Index(i)
	s := &Secret{ID: slug(f.idPrefix, id), Name: f.label(id), Kind: f.kind(id)}
	entry := catalogEntry(map[string]string{"users": "user-password", "connections": "connection-password", "variables": "variable-value"}[f.list])
	s.Why, s.Remediation = entry.Why, entry.Remediation
	s.bind.prefixes = []string{base.String() + "."}
	for _, field := range f.fields {
		n := item.Get(field)
		if !truthyText(n) {
			continue
		}
		p := base.Key(field).String()
		vars := templateVarRE.FindAllStringSubmatch(n.Value, -1)
		switch {
		case len(vars) > 0:
			s.Configured = append(s.Configured, placeNode(p, n))
			for _, v := range vars {
				s.Sources = append(s.Sources, b.templateSource(f, s, v[1]))
			}
		case field == f.secretOnly || b.hasFinding(p):
			s.Configured = append(s.Configured, placeNode(p, n))
			src := literal(p, n)
			src.Secret, src.Key = b.releaseSecret(f.component), f.script
			src.Provider = Provider{Kind: ByChart, Text: "rendered by the chart (" + f.component + "-secret.yaml)", Origin: originOf(n)}
			src.Text += "; the chart writes it into the " + f.component + " script, Secret " + src.Secret
			s.Sources = append(s.Sources, src)
			s.bind.keys = append(s.bind.keys, secretKey{src.Secret, src.Key})
		}
	}
	if len(s.Sources) == 0 {
		return nil
	}
	s.bind.fallback = []Consumer{{Component: f.component, How: "file (the " + f.component + " job)", Mode: "file"}}
	return s
}

// templateSource resolves one ${VAR} through the feature's *Templates map.
func (b *builder) templateSource(f syncFeature, s *Secret, name string) Source {
	tp := "airflow." + f.templates + "." + name
	t := b.at(tp)
	if t == nil {
		return Source{Kind: FromTemplate, Text: fmt.Sprintf("${%s} has no airflow.%s entry: the sync job writes the literal text ${%s}", name, f.templates, name)}
	}
	s.Configured = append(s.Configured, b.place(tp))
	kind, obj, key := strings.ToLower(t.Get("kind").Text()), t.Get("name").Text(), t.Get("key").Text()
	if kind == "configmap" {
		s.Notes = append(s.Notes, fmt.Sprintf("${%s} is read from ConfigMap %s (key %s): ConfigMaps are not meant for secrets", name, obj, key))
		return Source{Kind: FromConfigMap, Text: fmt.Sprintf("ConfigMap %s, key %s (through ${%s})", obj, key, name)}
	}
	src := b.secretRef(obj, key)
	src.Text += fmt.Sprintf(" (through ${%s}, mounted into the %s job at /mnt/templates/%s)", name, f.component, name)
	s.bind.keys = append(s.bind.keys, secretKey{obj, key})
	return src
}
