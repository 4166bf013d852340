package doc

import (
	"strings"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Airflow settings that are always in the inventory, with the values key
// the chart offers for them.
const (
	fernetEnv    = "AIRFLOW__CORE__FERNET_KEY"
	webserverEnv = "AIRFLOW__WEBSERVER__SECRET_KEY"
)

// settingDef is one definition of an environment variable in the values:
// an airflow.extraEnv entry (a container env entry, which wins over
// envFrom), an airflow.config key or airflow.fernetKey/webserverSecretKey
// (both rendered into the chart's config-envs Secret, read with envFrom).
type settingDef struct {
	name  string
	path  string // values path of the definition
	node  *yamltree.Node
	value *yamltree.Node // the literal, nil for a secretKeyRef
	ref   *secretKey
	env   bool // airflow.extraEnv
}

type secretKey struct{ secret, key string }

// settingDefs lists every definition, grouped by base name (the name
// without an Airflow _CMD/_SECRET suffix), in values order.
func (b *builder) settingDefs() (map[string][]settingDef, []string) {
	groups := map[string][]settingDef{}
	var order []string
	add := func(d settingDef) {
		base := baseName(d.name)
		if _, ok := groups[base]; !ok {
			order = append(order, base)
		}
		groups[base] = append(groups[base], d)
	}
	for _, k := range []struct{ env, path string }{{fernetEnv, "airflow.fernetKey"}, {webserverEnv, "airflow.webserverSecretKey"}} {
		groups[k.env] = nil
		order = append(order, k.env)
		if n := b.at(k.path); truthyText(n) {
			add(settingDef{name: k.env, path: k.path, node: n, value: n})
		}
	}
	if cfg := b.at("airflow.config"); cfg != nil && cfg.Kind == yamltree.Map {
		for _, e := range cfg.Entries {
			p := yamltree.Path{{Key: "airflow"}, {Key: "config"}, {Key: e.Key}}.String()
			if truthyText(e.Value) {
				add(settingDef{name: e.Key, path: p, node: e.Value, value: e.Value})
			}
		}
	}
	if env := b.at("airflow.extraEnv"); env != nil && env.Kind == yamltree.Seq {
		for i, e := range env.Items {
			d := settingDef{name: e.Get("name").Text(), path: yamltree.Path{{Key: "airflow"}, {Key: "extraEnv"}}.Index(i).String(), node: e, env: true}
			if r := e.Lookup("valueFrom", "secretKeyRef"); r != nil {
				d.ref = &secretKey{r.Get("name").Text(), r.Get("key").Text()}
			} else if v := e.Get("value"); truthyText(v) {
				d.value = v
			} else {
				continue
			}
			if d.name != "" {
				add(d)
			}
		}
	}
	return groups, order
}

// baseName strips Airflow's _CMD and _SECRET suffixes from AIRFLOW__S__K
// names; other names are their own base.
func baseName(name string) string {
	for _, suffix := range []string{"_CMD", "_SECRET"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && strings.HasPrefix(base, "AIRFLOW__") && strings.Count(base, "__") >= 2 {
			return base
		}
	}
	return name
}

// settings adds the fernet key, the webserver secret key and every other
// Airflow setting or extra environment variable that carries a secret.
func (b *builder) settings() {
	groups, order := b.settingDefs()
	for _, base := range order {
		defs := groups[base]
		if base != fernetEnv && base != webserverEnv && !b.secretSetting(base, defs) {
			continue
		}
		b.secrets = append(b.secrets, b.setting(base, defs))
	}
}

// secretSetting decides whether a setting holds a secret: it is read from
// a Secret or a command, a scan finding says so, or its name does.
func (b *builder) secretSetting(base string, defs []settingDef) bool {
	if detect.ClassifyKey(base) == detect.Credential {
		return true
	}
	for _, d := range defs {
		if d.ref != nil || d.name != base || b.hasFinding(d.path) {
			return true
		}
	}
	return false
}

func (b *builder) setting(base string, defs []settingDef) *Secret {
	s := &Secret{ID: slug("setting", base), Name: "Airflow setting " + base, Kind: settingKind(base)}
	entry := catalogEntry("config-env")
	if !strings.HasPrefix(base, "AIRFLOW__") {
		s.Name, entry = "Environment variable "+base, catalogEntry("extra-env")
	}
	switch base {
	case fernetEnv:
		s.ID, s.Name, entry = "fernet-key", "Fernet key", catalogEntry("fernet-key")
	case webserverEnv:
		s.ID, s.Name, entry = "webserver-secret-key", "Webserver secret key", catalogEntry("webserver-secret-key")
	}
	s.Why, s.Remediation = entry.Why, entry.Remediation
	s.bind.envs = []string{base, base + "_CMD", base + "_SECRET"}
	for _, d := range defs {
		s.Configured = append(s.Configured, placeNode(d.path, d.node))
		s.bind.paths = append(s.bind.paths, d.path, d.path+".value")
		if d.ref != nil {
			s.bind.keys = append(s.bind.keys, *d.ref)
		}
	}
	eff, ignored := effectiveDef(base, defs)
	for _, d := range ignored {
		s.Notes = append(s.Notes, d.path+" ("+d.name+") is ignored: "+eff.name+" from "+eff.path+" takes precedence")
	}
	if eff == nil {
		s.Sources = []Source{{Kind: FromNowhere, Text: "not set in the values"}}
		return s
	}
	s.Sources = []Source{b.settingSource(base, *eff)}
	if src := s.Sources[0]; src.Kind == FromCommand && src.Secret != "" {
		s.bind.keys = append(s.bind.keys, secretKey{src.Secret, src.Key})
	}
	return s
}

// effectiveDef picks the definition Airflow uses: the plain variable
// before _CMD before _SECRET; for each, a container env entry
// (extraEnv) before the envFrom Secret (config, fernetKey), and a later
// entry before an earlier one.
func effectiveDef(base string, defs []settingDef) (*settingDef, []settingDef) {
	var best *settingDef
	rank := func(d settingDef) int {
		r := 0
		switch d.name {
		case base:
			r = 20
		case base + "_CMD":
			r = 10
		}
		if d.env {
			r += 5
		}
		return r
	}
	for i := range defs {
		if best == nil || rank(defs[i]) >= rank(*best) {
			best = &defs[i]
		}
	}
	var ignored []settingDef
	for i := range defs {
		if &defs[i] != best && defs[i].name != best.name {
			ignored = append(ignored, defs[i])
		}
	}
	return best, ignored
}

// settingSource describes where the effective definition takes its value.
func (b *builder) settingSource(base string, d settingDef) Source {
	switch {
	case d.ref != nil:
		return b.secretRef(d.ref.secret, d.ref.key)
	case d.name == base+"_CMD":
		return b.commandSource(d)
	case d.name == base+"_SECRET":
		return Source{Kind: FromBackend, Text: "read from the Airflow secrets backend (AIRFLOW__SECRETS__BACKEND) by " + d.name + ", set in " + where(d.value)}
	}
	src := literal(d.path, d.value)
	if d.env {
		src.Text += "; written into every pod spec as a literal env value"
		return src
	}
	src.Secret, src.Key = b.releaseSecret("config-envs"), d.name
	src.Provider = Provider{Kind: ByChart, Text: "rendered by the chart (secret-config-envs.yaml)", Origin: originOf(d.value)}
	src.Text += "; the chart copies it into Secret " + src.Secret + ", key " + d.name
	return src
}

// settingKind classifies a setting for its rotation policy.
func settingKind(base string) policy.Kind {
	k := policy.Classify(base, "", "")
	if k == "" || k == policy.Other {
		if byName := policy.Classify("", base, ""); byName != "" {
			k = byName
		}
	}
	if k == "" {
		k = policy.Other
	}
	return k
}

// catalogEntry returns the chart catalog's entry with id.
func catalogEntry(id string) catalog.Entry {
	for _, e := range catalog.Entries {
		if e.ID == id {
			return e
		}
	}
	return catalog.Entry{}
}
