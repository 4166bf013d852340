package detect_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/rule/detect"
)

// Fake but well-formed tokens, assembled at run time so the repository
// itself holds nothing a secret scanner would (rightly) flag.
func tok(parts ...string) string { return strings.Join(parts, "") }

var pemKey = tok("-----BEGIN ", "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END ", "RSA PRIVATE KEY-----")

var providerFixtures = map[string]struct{ hit, miss []string }{
	"private key":           {[]string{pemKey, tok("-----BEGIN ", "OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=")}, []string{"-----BEGIN PUBLIC KEY-----", "private key rotation"}},
	"GitHub token":          {[]string{tok("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")}, []string{"ghp_short", "github_pat_"}},
	"GitLab token":          {[]string{tok("glpat-", "aBcDeFgHiJkLmNoPqRsT12")}, []string{"glpat-", "glpat_notatoken"}},
	"Slack token":           {[]string{tok("xoxb-", "1234567890-0987654321-AbCdEfGhIjKlMnOp")}, []string{"xoxz-123", "xox"}},
	"Slack webhook":         {[]string{tok("https://hooks.slack.com/services/", "T0123ABCD/B0123ABCD/aBcDeFgHiJkLmNoPqRsTuVwX")}, []string{"https://hooks.slack.com/services/", "https://slack.com/"}},
	"Stripe key":            {[]string{tok("sk_live_", "aBcDeFgHiJkLmNoPqRsTuVwX")}, []string{"sk_live_short", "pk_live_aBcDeFgHiJkLmNoPqRsTuVwX"}},
	"SendGrid key":          {[]string{tok("SG.", "aBcDeFgHiJkLmNoPqRsTuV.", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdefg")}, []string{"SG.short.short", "SG"}},
	"Databricks token":      {[]string{tok("dapi", "0123456789abcdef0123456789abcdef")}, []string{"dapi0123", "dapixyz"}},
	"AWS secret access key": {[]string{tok(`"aws_secret_access_key": "`, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzZ12345678", `"`)}, []string{`"aws_secret_access_key": "${KEY}"`, "aws_secret_access_key"}},
	"Azure storage key":     {[]string{tok("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=", "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678==")}, []string{"AccountName=x;EndpointSuffix=core.windows.net", "AccountKey="}},
	"GCP service-account key": {[]string{tok(`{"type": "service_account", "private_key": "`, "-----BEGIN", ` PRIVATE KEY-----\nMIIE"}`)},
		[]string{`{"type": "service_account", "private_key_id": "abc"}`, `{"private_key": ""}`}},
	"JSON web token":        {[]string{tok("eyJhbGciOiJIUzI1NiJ9", ".", "eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".", "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")}, []string{"eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ.x"}},
	"OpenAI key":            {[]string{tok("sk-proj-", "aBcDeFgHiJkLmNoPqRsT", "T3BlbkFJ", "aBcDeFgHiJkLmNoPqRsT")}, []string{"sk-aBcDeFg", "T3BlbkFJ"}},
	"Google API key":        {[]string{tok("AIza", "SyA-aBcDeFgHiJkLmNoPqRsTuVwXyZ01234")}, []string{"AIzaShort", "AIz"}},
	"npm token":             {[]string{tok("npm_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")}, []string{"npm_short", "npm install"}},
	"PyPI token":            {[]string{tok("pypi-AgE", "IcHlwaS5vcmcCJGFiY2RlZmdoLTEyMzQtNTY3OC05MGFiLWNkZWYxMjM0NTY3OAACKlsz")}, []string{"pypi-AgEshort", "pypi.org"}},
	"Hashicorp Vault token": {[]string{tok("hvs.", "CAESIJqM5bOcZ6X9aBcDeFgHiJkLmN")}, []string{"hvs.short", "hvs"}},
}

func TestProviderRulesHaveFixtures(t *testing.T) {
	for _, name := range detect.ProviderRuleNames() {
		fx, ok := providerFixtures[name]
		if !ok || len(fx.hit) == 0 || len(fx.miss) == 0 {
			t.Errorf("provider rule %q lacks true- or false-positive fixtures", name)
			continue
		}
		for _, v := range fx.hit {
			if _, got, ok := detect.ProviderToken(v); !ok {
				t.Errorf("%s: missed %q", name, v)
			} else if got != name && !strings.HasPrefix(got, "gitleaks rule") {
				t.Logf("%s: %q found by %s", name, v, got)
			}
		}
		for _, v := range fx.miss {
			if s, got, ok := detect.ProviderToken(v); ok {
				t.Errorf("%s: false positive on %q (%s: %q)", name, v, got, s)
			}
		}
	}
}

func TestBase64WrappedPrivateKey(t *testing.T) {
	wrapped := base64.StdEncoding.EncodeToString([]byte(pemKey))
	if _, name, ok := detect.ProviderToken("id_rsa: " + wrapped); !ok || !strings.Contains(name, "private key") {
		t.Errorf("base64-wrapped PEM not found (got %q, %v)", name, ok)
	}
	if _, _, ok := detect.ProviderToken(base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nMIIB"))); ok {
		t.Error("a base64-wrapped certificate is not a secret")
	}
}

func TestURLCredential(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		{"postgresql+psycopg2://airflow:s3cret@db:5432/airflow", "s3cret"},
		{"redis://:r3dis-pw@redis-master:6379/0", "r3dis-pw"},
		{"mysql://user:p%40ss%3Aword@db/x", "p@ss:word"},
		{"https://oauth2:" + tok("glpat-", "aBcDeFgHiJkLmNoPqRsT12") + "@gitlab.com/x.git", tok("glpat-", "aBcDeFgHiJkLmNoPqRsT12")},
		{"https://" + tok("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789") + "@github.com/acme/dags", tok("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")},
		{"postgres://db/x?sslmode=require&password=qp-pw", "qp-pw"},
		{"https://user:${GIT_TOKEN}@github.com/x", ""},
		{"postgresql://$(eval $DATABASE_USER_CMD):$(eval $DATABASE_PASSWORD_CMD)@${DATABASE_HOST}", ""},
		{"postgresql://user:xxxxxx@db/x", ""},
		{"https://user@github.com/x", ""},
		{"http://db.internal:5432@proxy", ""},
		{"git@github.com:acme/dags.git", ""},
		{"redis://redis:6379/0", ""},
	}
	for _, tt := range tests {
		got, _, ok := detect.URLCredential(tt.value)
		if ok != (tt.want != "") || got != tt.want {
			t.Errorf("URLCredential(%q) = %q, %v; want %q", tt.value, got, ok, tt.want)
		}
	}
}

func TestScanText(t *testing.T) {
	tests := []struct {
		name, text string
		mode       detect.TextMode
		want       string // the secret, "" for none
	}{
		{"python literal", "import os\nAUTH_LDAP_BIND_PASSWORD = \"ldap-pw\"\n", detect.PythonText, "ldap-pw"},
		{"python reads env", "import os\nAUTH_LDAP_BIND_PASSWORD = os.environ[\"LDAP_PW\"]\n", detect.PythonText, ""},
		{"python dict", "OAUTH = [{'remote_app': {'client_secret': 'cs-123'}}]\n", detect.PythonText, "cs-123"},
		{"python key name in dict", "OAUTH = [{'token_key': 'access_token'}]\n", detect.PythonText, ""},
		{"python commented", "# SECRET_KEY = 'old'\nSECRET_KEY = os.getenv('K')\n", detect.PythonText, ""},
		{"json extra", `{"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "sak-123"}`, detect.AutoText, "sak-123"},
		{"json templated", `{"aws_secret_access_key": "${AWS_KEY}", "region_name": "eu-west-1"}`, detect.AutoText, ""},
		{"nested keyfile", `{"keyfile_dict": "{\"private_key\": \"pk-1\"}"}`, detect.AutoText, "pk-1"},
		{"ini", "[smtp]\nsmtp_password = ini-pw\n", detect.AutoText, "ini-pw"},
		{"manifest", "apiVersion: v1\nkind: Secret\nstringData:\n  token: m-tok\n", detect.YAMLText, "m-tok"},
		{"templated manifest", "apiVersion: v1\nkind: Secret\ndata:\n  {{- if .Values.x }}\n  token: {{ .Values.t | b64enc }}\n  {{- end }}\n", detect.YAMLText, ""},
		{"env in pod", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - env:\n    - name: API_KEY\n      value: ak-9\n", detect.YAMLText, "ak-9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := detect.ScanText(tt.text, tt.mode)
			if ok != (tt.want != "") || h.Secret != tt.want {
				t.Errorf("ScanText = %q (%s), %v; want %q", h.Secret, h.Detail, ok, tt.want)
			}
		})
	}
}

// FuzzScanText: embedded-text scanning must never panic, whatever the
// text, and a found secret must be part of the text.
func FuzzScanText(f *testing.F) {
	for _, s := range []string{"a: b", "{\"password\": \"x\"}", "import os\nX = 'y'", "apiVersion: v1\nkind: Secret\ndata: {a: b}", "{{ x }}\n- a", "postgres://u:p@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []detect.TextMode{detect.AutoText, detect.PythonText, detect.YAMLText} {
			if h, ok := detect.ScanText(s, m); ok && h.Secret != "" && !strings.Contains(s, h.Secret) && !strings.Contains(s, "\\") && !strings.Contains(s, "%") {
				// JSON escapes and URL encoding legitimately change the text
				t.Errorf("secret %q not in text", h.Secret)
			}
		}
	})
}
