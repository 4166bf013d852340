package doc

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/doc/diagram"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// binding says how to recognise a secret in the rendered workloads and
// among the findings.
type binding struct {
	// envs are the variables the chart or Airflow read the secret from.
	envs []string
	// keys are the Secret keys that carry it (key "" is every key).
	keys []secretKey
	// paths and prefixes are the values paths whose findings belong here.
	paths, prefixes []string
	// fallback are the consumers known from the chart's structure alone,
	// used without --chart.
	fallback []Consumer
}

// claims reports whether a finding's values path belongs to the secret.
func (bd binding) claims(path string) bool {
	if path == "" {
		return false
	}
	if slices.Contains(bd.paths, path) {
		return true
	}
	for _, p := range bd.prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// hasFinding reports a hardcoded or insecure-default finding at path.
func (b *builder) hasFinding(path string) bool {
	return slices.ContainsFunc(b.findings, func(f finding.Finding) bool {
		return f.Path == path && f.Class != finding.Misconfig
	})
}

// reference is a values key that names a Secret the chart hands to a
// reader other than the Airflow containers' environment.
type reference struct {
	id, name      string
	when          string // a switch that must be true ("" always)
	secret, key   string // values paths; key may be a literal key name
	literalKey    bool
	kind          policy.Kind
	why           string
	component     string
	how           string
	mode          string
	envs          []string
	secretKeyOnly bool
}

// references are the chart's other Secret references, as data.
var references = []reference{
	{id: "flower-basic-auth", name: "Flower basic auth credentials", when: "flower.enabled", secret: "flower.basicAuthSecret", key: "flower.basicAuthSecretKey",
		kind: policy.Other, why: "the login of the Flower UI, which can inspect and cancel Celery tasks", component: "flower",
		how: "env AIRFLOW__CELERY__FLOWER_BASIC_AUTH", mode: "env", envs: []string{"AIRFLOW__CELERY__FLOWER_BASIC_AUTH"}},
	{id: "webserver-config-file", name: "webserver_config.py (existing Secret)", secret: "web.webserverConfig.existingSecret", key: "webserver_config.py", literalKey: true,
		kind: policy.Other, why: "webserver_config.py usually holds OAuth client secrets or LDAP bind passwords", component: "web",
		how: "file /opt/airflow/webserver_config.py", mode: "file"},
	{id: "local-settings-file", name: "airflow_local_settings.py (existing Secret)", secret: "airflow.localSettings.existingSecret", key: "airflow_local_settings.py", literalKey: true,
		kind: policy.Other, why: "code every Airflow process runs at start-up", component: "every Airflow pod",
		how: "file /opt/airflow/config/airflow_local_settings.py", mode: "file"},
	{id: "image-pull-secret", name: "Image pull secret", secret: "airflow.image.pullSecret", key: ".dockerconfigjson", literalKey: true,
		kind: policy.Registry, why: "registry credentials: with them anyone can pull (or, if allowed, push) your images", component: "kubelet",
		how: "imagePullSecrets of every Airflow pod", mode: "other"},
	{id: "ingress-web-tls", name: "Web UI TLS certificate and key", when: "ingress.enabled", secret: "ingress.web.tls.secretName", key: "tls.key", literalKey: true,
		kind: policy.TLS, why: "the private key of the web UI's certificate: with it anyone can impersonate the UI", component: "ingress controller",
		how: "TLS of the web Ingress", mode: "other"},
	{id: "ingress-flower-tls", name: "Flower TLS certificate and key", when: "ingress.enabled", secret: "ingress.flower.tls.secretName", key: "tls.key", literalKey: true,
		kind: policy.TLS, why: "the private key of Flower's certificate", component: "ingress controller",
		how: "TLS of the flower Ingress", mode: "other"},
	{id: "pgbouncer-client-tls-key", name: "PgBouncer client TLS key", when: "pgbouncer.enabled", secret: "pgbouncer.clientSSL.keyFile.existingSecret", key: "pgbouncer.clientSSL.keyFile.existingSecretKey",
		kind: policy.TLS, why: "the private key PgBouncer presents to clients", component: "pgbouncer", how: "file (TLS key)", mode: "file"},
	{id: "pgbouncer-server-tls-key", name: "PgBouncer server TLS key", when: "pgbouncer.enabled", secret: "pgbouncer.serverSSL.keyFile.existingSecret", key: "pgbouncer.serverSSL.keyFile.existingSecretKey",
		kind: policy.TLS, why: "the private key PgBouncer presents to the database", component: "pgbouncer", how: "file (TLS key)", mode: "file"},
}

// otherReferences adds the Secrets named by the chart's other references.
func (b *builder) otherReferences() {
	for _, r := range references {
		name := b.text(r.secret)
		if name == "" || (r.when != "" && !b.enabled(r.when, false)) {
			continue
		}
		key := r.key
		configured := []Place{b.place(r.secret)}
		if !r.literalKey {
			key = b.text(r.key)
			configured = append(configured, b.place(r.key))
		}
		s := &Secret{ID: r.id, Name: r.name, Kind: r.kind, Why: r.why, Configured: configured,
			Remediation: "Keep the value in the Secret and rotate it at the source."}
		src := b.secretRef(name, key)
		if r.literalKey {
			// The chart reads the whole Secret: the key is the convention.
			src = b.secretRef(name, "")
			src.Key, src.whole = key, true
		}
		s.Sources = []Source{src}
		s.bind.envs = r.envs
		s.bind.keys = []secretKey{{name, ""}}
		s.bind.fallback = []Consumer{{Component: r.component, How: r.how, Mode: modeOf(r.mode), Via: name}}
		b.secrets = append(b.secrets, s)
	}
}

// leftovers turns each hardcoded or insecure-default finding that no
// entry claimed into an entry of its own, so the inventory misses nothing
// the scan saw.
func (b *builder) leftovers() {
	seen := map[string]*Secret{}
	for _, f := range b.findings {
		if f.Class == finding.Misconfig || f.Path == "" || b.claimed(f.Path) {
			continue
		}
		if s, ok := seen[f.Path]; ok {
			s.Configured = appendPlace(s.Configured, Place{Path: f.Path, Where: findingWhere(f)})
			continue
		}
		kind := policy.Classify("", lastKey(f.Path), "")
		if kind == "" {
			kind = policy.Other
		}
		title := b.metas[f.RuleID].Title
		s := &Secret{ID: slug("value", f.Path), Name: title + " (" + f.Path + ")", Kind: kind, Why: b.metas[f.RuleID].Description,
			Configured: []Place{{Path: f.Path, Where: findingWhere(f)}}, Remediation: b.scrub(f.Remediation)}
		src := Source{Kind: FromValues, Where: findingWhere(f), Path: f.Path, Text: "hardcoded in " + findingWhere(f) + " (" + f.Path + ")"}
		if f.Class == finding.InsecureDefault {
			src.Kind, src.Text = FromDefault, "public chart default of "+f.Path
		}
		s.Sources = []Source{src}
		s.bind.paths = []string{f.Path}
		s.ConsumersNote = "not traced: airlock knows where this value is written, not which container reads it"
		seen[f.Path] = s
		b.secrets = append(b.secrets, s)
	}
}

func (b *builder) claimed(path string) bool {
	return slices.ContainsFunc(b.secrets, func(s *Secret) bool { return s.bind.claims(path) })
}

func appendPlace(ps []Place, p Place) []Place {
	if slices.Contains(ps, p) {
		return ps
	}
	return append(ps, p)
}

// findingWhere is a finding's location in the document's words: a user
// file and line, the chart template that rendered it, or the chart
// default it inherits.
func findingWhere(f finding.Finding) string {
	switch {
	case f.Loc.IsZero():
		return "chart default"
	case strings.Contains(f.Loc.File, "/templates/"):
		return "rendered " + path.Base(f.Loc.File)
	}
	return f.Loc.File + ":" + strconv.Itoa(f.Loc.Line)
}

// lastKey is the last map key of a values path.
func lastKey(p string) string {
	pat, err := yamltree.ParsePath(p)
	if err != nil {
		return ""
	}
	for i := len(pat) - 1; i >= 0; i-- {
		if !pat[i].IsIndex {
			return pat[i].Key
		}
	}
	return ""
}

// modeOf converts a mode name from the reference table.
func modeOf(s string) diagram.Mode { return diagram.Mode(s) }
