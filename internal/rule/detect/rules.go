package detect

import (
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Generic is the rule set that needs no chart knowledge. One Classify call
// judges a scalar; the kind of hit selects which of the generic rules
// reports it, so each keeps its own id, severity and remediation.
type Generic struct {
	kind HitKind
	meta rule.Meta
}

var _ rule.ScalarRule = (*Generic)(nil)

// Meta implements rule.ScalarRule.
func (g *Generic) Meta() rule.Meta { return g.meta }

// Check implements rule.ScalarRule. Every generic rule runs the same
// classification, so the first one caches it on the scalar.
func (g *Generic) Check(s *rule.Scalar) (rule.Hit, bool, bool) {
	h, ok := classifyOnce(s)
	if !ok || h.Kind != g.kind {
		return rule.Hit{}, false, false
	}
	return rule.Hit{Secret: h.Secret, Detail: h.Detail}, true, true
}

type cached struct {
	hit Hit
	ok  bool
}

// classifyOnce memoises Classify per scalar visit: the engine asks every
// generic rule in turn about the same cursor.
func classifyOnce(s *rule.Scalar) (Hit, bool) {
	if c, ok := s.Memo.(cached); ok {
		return c.hit, c.ok
	}
	h, ok := Classify(s.Cursor)
	s.Memo = cached{h, ok}
	return h, ok
}

// NewGeneric returns the generic rules in priority order.
func NewGeneric() []*Generic {
	return []*Generic{
		{ManifestSecret, rule.Meta{ID: "secret-manifest", Title: "Secret manifest with literal data", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A Kubernetes Secret written into values or manifests carries its data in plain text (base64 is an encoding, not encryption).",
			Remediation: "Create the Secret outside git (External Secrets Operator, Sealed Secrets, SOPS) and reference it by name."}},
		{EnvValue, rule.Meta{ID: "container-env-secret", Title: "Secret in a literal environment variable", Class: finding.Hardcoded, Severity: finding.High,
			Description: "An environment variable whose name marks a secret is set with a literal value.",
			Remediation: "Use valueFrom.secretKeyRef (or envFrom.secretRef) instead of value."}},
		{Token, rule.Meta{ID: "provider-token", Title: "Provider token or private key", Class: finding.Hardcoded, Severity: finding.Critical,
			Description: "A value matches the format of a provider token (GitHub, GitLab, Slack, Stripe, ...) or contains a private key.",
			Remediation: "Revoke the token or key, then load its replacement from a Kubernetes Secret or a secret manager."}},
		{URLCred, rule.Meta{ID: "credential-in-url", Title: "Credentials embedded in a URL", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A URL or DSN carries user:password@ or a token parameter.",
			Remediation: "Remove the credentials from the URL and supply them from a Kubernetes Secret (an env var or the chart's *Secret value)."}},
		{Embedded, rule.Meta{ID: "embedded-secret", Title: "Secret inside embedded code, JSON or manifest", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A string that holds code, JSON or YAML assigns a credential a literal value.",
			Remediation: "Read the value from the environment or a mounted Secret instead of writing it into the embedded text."}},
		{KeyName, rule.Meta{ID: "secret-key-name", Title: "Literal value for a credential key", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A key whose name marks a credential (password, token, secret, apiKey, ...) holds a literal value.",
			Remediation: "Move the value into a Kubernetes Secret and reference it (the chart's *Secret/existingSecret value or valueFrom.secretKeyRef)."}},
	}
}
