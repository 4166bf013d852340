package detect

import (
	"encoding/base64"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Hit is a secret found in one scalar.
type Hit struct {
	Secret string // the offending part, for redaction and fixing
	Detail string // what was found, for the message
	Kind   HitKind
}

// HitKind tells the rule layer which generic rule a hit belongs to.
type HitKind uint8

// Hit kinds, one per generic rule.
const (
	KeyName HitKind = iota + 1
	EnvValue
	URLCred
	Token
	ManifestSecret
	Embedded
)

// Classify decides whether the scalar under c is a hardcoded secret using
// only generic knowledge: key names, environment entries, Secret manifests
// and the shape of the value. Chart-aware rules run before it.
func Classify(c *yamltree.Cursor) (Hit, bool) {
	n := c.Node
	if n == nil || n.Kind != yamltree.Scalar || n.Tag == "bool" || n.Tag == "binary" && n.Value == "" {
		return Hit{}, false
	}
	v := scalarText(n)
	if strings.TrimSpace(v) == "" {
		return Hit{}, false
	}
	if name, ok := EnvName(c); ok {
		return ClassifyEnv(name, v)
	}
	if h, ok, claimed := secretData(c, v); claimed {
		return h, ok
	}
	key := c.Key()
	if key != "" && isEnvStyle(key) && inEnvMap(c) {
		return ClassifyEnv(key, v)
	}
	if namesKeyInSecret(c, key, v) {
		return Hit{}, false
	}
	return ClassifyKeyValue(key, v)
}

// namesKeyInSecret catches the ambiguous "secretKey": an AWS-style secret
// key, or (next to a Secret's name, or with an env-name value) the key
// inside a Kubernetes Secret, as in {secretName: x, secretKey: PASSWORD}.
func namesKeyInSecret(c *yamltree.Cursor, key, v string) bool {
	w := Words(key)
	if len(w) != 1 || w[0] != "secretkey" {
		return false
	}
	if envStyleRE.MatchString(v) || keyNameRE.MatchString(v) {
		return true
	}
	if c.Parent == nil || c.Parent.Node.Kind != yamltree.Map {
		return false
	}
	for _, e := range c.Parent.Node.Entries {
		if e.Key == key {
			continue
		}
		lk := strings.ToLower(e.Key)
		if strings.HasSuffix(lk, "name") || strings.HasSuffix(lk, "secret") || strings.HasSuffix(lk, "secretref") || lk == "envname" {
			return true
		}
	}
	return false
}

// ClassifyKeyValue judges a value by its key's name, then by its shape.
func ClassifyKeyValue(key, v string) (Hit, bool) {
	switch ClassifyKey(key) {
	case Credential:
		if NotSecret(v) || bareSecretRef(key, v) {
			return Hit{}, false
		}
		if h, ok := Inspect(v); ok {
			return h, true
		}
		return Hit{Secret: v, Detail: "literal value of credential key " + quoteKey(key), Kind: KeyName}, true
	case Reference, Identity:
		return Hit{}, false
	}
	if IsIdentifierLike(v) {
		return Hit{}, false
	}
	return Inspect(v)
}

// Inspect looks at a value with no help from its key: provider tokens,
// private keys, credentials in URLs, and secrets inside embedded code,
// JSON or manifests.
func Inspect(v string) (Hit, bool) {
	if s, name, ok := ProviderToken(v); ok {
		return Hit{Secret: s, Detail: name, Kind: Token}, true
	}
	if s, d, ok := URLCredential(v); ok {
		return Hit{Secret: s, Detail: d, Kind: URLCred}, true
	}
	if strings.Contains(v, "\n") || strings.HasPrefix(strings.TrimSpace(v), "{") {
		return ScanText(v, AutoText)
	}
	if h, ok := cliFlag(v); ok {
		return h, true
	}
	return Hit{}, false
}

var cliFlagRE = regexp.MustCompile(`(?:^|\s)--?([A-Za-z][A-Za-z0-9_-]*)(?:=|\s+)("[^"]*"|'[^']*'|[^\s"']+)`)

// cliFlag finds "--password=x" or "--token x" in command-line strings.
func cliFlag(v string) (Hit, bool) {
	for _, m := range cliFlagRE.FindAllStringSubmatch(v, -1) {
		val := strings.Trim(m[2], `"'`)
		if ClassifyKey(m[1]) == Credential && !NotSecret(val) && !strings.HasPrefix(val, "-") {
			return Hit{Secret: val, Detail: "credential in --" + m[1] + " flag", Kind: KeyName}, true
		}
	}
	return Hit{}, false
}

// bareSecretRef: a key called just "secret" whose value looks like a
// Kubernetes object name is naming a Secret, not holding one.
func bareSecretRef(key, v string) bool {
	return strings.EqualFold(key, "secret") && k8sNameRE.MatchString(v) && strings.Contains(v, "-")
}

// keyNameRE: lower-case words without digits, the shape of a key inside a
// Secret ("password", "client-secret"); real secret keys mix case and digits.
var keyNameRE = regexp.MustCompile(`^[a-z][a-z._-]{0,62}$`)

var k8sNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$`)

func quoteKey(k string) string { return "\"" + k + "\"" }

func scalarText(n *yamltree.Node) string {
	if n.Tag == "binary" {
		if dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), "")); err == nil {
			return string(dec)
		}
	}
	return n.Value
}

// EnvName reports whether c is the value of a Kubernetes EnvVar
// ({name: X, value: Y}) and returns X.
func EnvName(c *yamltree.Cursor) (string, bool) {
	if c.Key() != "value" || c.Parent == nil {
		return "", false
	}
	p := c.Parent.Node
	name := p.Get("name")
	if name == nil || name.Kind != yamltree.Scalar || len(p.Entries) > 4 {
		return "", false
	}
	return name.Value, true
}

var envStyleRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

func isEnvStyle(k string) bool { return envStyleRE.MatchString(k) && strings.Contains(k, "_") }

// inEnvMap reports a map used as NAME: value environment (airflow.config,
// env maps of other charts): most of its keys are environment-style.
func inEnvMap(c *yamltree.Cursor) bool {
	if c.Parent == nil || c.Parent.Node.Kind != yamltree.Map {
		return false
	}
	env := 0
	for _, e := range c.Parent.Node.Entries {
		if isEnvStyle(e.Key) || envStyleRE.MatchString(e.Key) {
			env++
		}
	}
	return env*2 >= len(c.Parent.Node.Entries)
}

// secretData handles values under data/stringData of a Secret manifest:
// every entry is secret unless its name is plainly not (username, host),
// with base64 data decoded first. claimed is false outside Secrets.
func secretData(c *yamltree.Cursor, v string) (h Hit, ok, claimed bool) {
	field := c.Up(1)
	obj := c.Up(2)
	if field == nil || obj == nil || (field.Key() != "data" && field.Key() != "stringData") {
		return Hit{}, false, false
	}
	if kind := obj.Node.Get("kind"); kind == nil || kind.Value != "Secret" {
		return Hit{}, false, false
	}
	val := v
	if field.Key() == "data" {
		if dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v)); err == nil {
			val = string(dec)
		}
	}
	key := c.Key()
	if NotSecret(val) || strings.TrimSpace(val) == "" {
		return Hit{}, false, true
	}
	switch ClassifyKey(key) {
	case Identity, Reference:
		return Hit{}, false, true
	case Neutral, Locator:
		if nonSecretDataKey(key) {
			h, ok := Inspect(val)
			return h, ok, true
		}
	}
	return Hit{Secret: val, Detail: "value of " + field.Key() + "[\"" + key + "\"] in a Secret manifest", Kind: ManifestSecret}, true, true
}

var nonSecretDataKeys = set("host", "hostname", "port", "database", "db", "dbname", "schema", "region",
	"endpoint", "url", "uri", "bucket", "namespace", "project", "cluster", "tls.crt", "ca.crt", "ca",
	"crt", "cert", "certificate", "known_hosts", "config", "email", "domain", "realm", "driver")

func nonSecretDataKey(k string) bool {
	lk := strings.ToLower(k)
	if nonSecretDataKeys[lk] || strings.HasSuffix(lk, ".crt") || strings.HasSuffix(lk, ".pub") || strings.HasSuffix(lk, "-host") || strings.HasSuffix(lk, "_host") || strings.HasSuffix(lk, "-port") || strings.HasSuffix(lk, "_port") {
		return true
	}
	w := Words(k)
	return len(w) > 0 && (neutralLast[w[len(w)-1]] || locatorLast[w[len(w)-1]])
}
