package detect

import (
	"encoding/base64"
	"math"
	"regexp"
	"strings"
)

// providerRule is one provider token format. Keywords are literal
// substrings every match contains: a cheap test that spares the regex on
// the vast majority of values.
type providerRule struct {
	Name     string
	Keywords []string
	RE       *regexp.Regexp
}

// providerRules are formats that identify a secret without any key
// context. Each has true- and false-positive fixtures in tokens_test.go.
var providerRules = []providerRule{
	{"private key", []string{"PRIVATE KEY"}, privatePEMBlock},
	{"GitHub token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b`)},
	{"GitLab token", []string{"glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-", "glagent-"}, regexp.MustCompile(`\bgl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}\b`)},
	{"Slack token", []string{"xox"}, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`)},
	{"Slack webhook", []string{"hooks.slack.com"}, regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{8,}/[A-Za-z0-9+/]{8,}/[A-Za-z0-9+/]{16,}`)},
	{"Stripe key", []string{"k_live_", "k_test_"}, regexp.MustCompile(`\b[rs]k_(?:live|test)_[A-Za-z0-9]{20,}\b`)},
	{"SendGrid key", []string{"SG."}, regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{20,24}\.[A-Za-z0-9_-]{39,50}\b`)},
	{"Databricks token", []string{"dapi"}, regexp.MustCompile(`\bdapi[0-9a-f]{32}(?:-\d)?\b`)},
	{"AWS secret access key", []string{"aws", "AWS", "Aws"}, regexp.MustCompile(`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b`)},
	{"Azure storage key", []string{"ccountKey=", "ccessKey=", "ACCOUNTKEY=", "ACCESSKEY="}, regexp.MustCompile(`(?i)\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/=]{20,})`)},
	{"GCP service-account key", []string{"private_key"}, regexp.MustCompile(`"private_key"\s*:\s*"-----BEGIN`)},
	{"JSON web token", []string{"eyJ"}, regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
	{"OpenAI key", []string{"T3BlbkFJ"}, regexp.MustCompile(`\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}\b`)},
	{"Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{"npm token", []string{"npm_"}, regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{"PyPI token", []string{"pypi-AgE"}, regexp.MustCompile(`\bpypi-AgE[A-Za-z0-9_-]{50,}`)},
	{"Hashicorp Vault token", []string{"hvs.", "hvb.", "hvr."}, regexp.MustCompile(`\bhv[sbr]\.[A-Za-z0-9_-]{24,}`)},
}

// base64PEM is "-----BEGIN" base64-encoded at any of the three offsets
// that matter for a value that starts with it.
var base64PEM = regexp.MustCompile(`LS0tLS1CRUdJTi[A-Za-z0-9+/=\s]{40,}`)

// ProviderToken finds a known token format in s, including PEM private
// keys that were base64-wrapped (Secret data, ssh keys in values).
func ProviderToken(s string) (secret, name string, ok bool) {
	if len(s) < 16 {
		return "", "", false // shorter than any provider format
	}
	for _, r := range providerRules {
		if !containsAny(s, r.Keywords) {
			continue
		}
		// A rule with a capture group marks the secret inside its match
		// (the value after "AccountKey="); otherwise the match is the secret.
		if m := r.RE.FindStringSubmatchIndex(s); m != nil {
			if len(m) >= 4 && m[2] >= 0 {
				return s[m[2]:m[3]], r.Name, true
			}
			return s[m[0]:m[1]], r.Name, true
		}
	}
	if t, id, ok := GitleaksToken(s); ok {
		return t, "gitleaks rule " + id, true
	}
	if !strings.Contains(s, "LS0tLS1CRUdJTi") {
		return "", "", false
	}
	if m := base64PEM.FindString(s); m != "" {
		clean := strings.Join(strings.Fields(m), "")
		if dec, err := base64.StdEncoding.DecodeString(padBase64(clean)); err == nil && privatePEM.Match(dec) {
			return m, "base64-encoded private key", true
		}
	}
	return "", "", false
}

func padBase64(s string) string {
	s = strings.TrimRight(s, "=")
	if n := len(s) % 4; n != 0 {
		s = s[:len(s)-n] // drop a partial quantum: enough to see the header
	}
	return s
}

// Entropy is the Shannon entropy in bits per character.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	var h float64
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// ProviderRuleNames lists airlock's own token formats (gitleaks' rules are
// tested by gitleaks); tests require fixtures for each.
func ProviderRuleNames() []string {
	names := make([]string, len(providerRules))
	for i, r := range providerRules {
		names[i] = r.Name
	}
	return names
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
