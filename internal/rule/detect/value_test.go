package detect_test

import (
	"testing"

	"github.com/airlockhq/airlock/internal/rule/detect"
)

// indirectionFixtures: every recognizer needs values it recognises and
// look-alikes it must not (a recognizer without both fails the test).
var indirectionFixtures = map[string]struct{ match, noMatch []string }{
	"helm-template":           {[]string{"{{ .Values.db.password }}", "pre-{{ include \"x\" . }}"}, []string{"{ not template }", "{{incomplete"}},
	"envsubst":                {[]string{"${DB_PASSWORD}", "${{ secrets.TOKEN }}"}, []string{"$5ecret{", "pa$$word"}},
	"shell-var":               {[]string{"$ADMIN_PASSWORD"}, []string{"$ecret-pw", "$1abc"}},
	"kubernetes-var":          {[]string{"$(POSTGRES_PASSWORD)", "postgres://u:$(PW)@db"}, []string{"$(echo hi)", "(PW)"}},
	"argocd-vault-plugin":     {[]string{"<path:secret/data/airflow#password>"}, []string{"<password>x", "path:secret"}},
	"vals":                    {[]string{"ref+vault://secret/airflow#/pw", "ref+awssecrets://x"}, []string{"href+vault", "ref-vault://x"}},
	"bank-vaults":             {[]string{"vault:secret/data/airflow#password"}, []string{"vault-password-1", "vault:"}},
	"replace-token":           {[]string{"#{DbPassword}#", "#{token}"}, []string{"#hashtag", "{DbPassword}"}},
	"double-underscore-token": {[]string{"__DB_PASSWORD__"}, []string{"__init__x", "a__b__c"}},
	"percent-token":           {[]string{"%DB_PASSWORD%"}, []string{"100%", "%x"}},
	"at-token":                {[]string{"@db.password@"}, []string{"user@example.com", "@x"}},
	"concourse-var":           {[]string{"((db-password))"}, []string{"(db-password)", "((x"}},
	"sops":                    {[]string{"ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]"}, []string{"ENC", "[AES256_GCM]"}},
	"ansible-vault":           {[]string{"$ANSIBLE_VAULT;1.1;AES256"}, []string{"ANSIBLE_VAULT"}},
	"sealed-secrets":          {[]string{"AgA" + repeat("Bc1+", 60)}, []string{"AgAshort", "AgBxyz"}},
	"aws-secret-arn":          {[]string{"arn:aws:secretsmanager:eu-west-1:123456789012:secret:airflow"}, []string{"arn:aws:s3:::bucket"}},
	"gcp-secret-name":         {[]string{"projects/my-proj/secrets/airflow-db/versions/latest"}, []string{"projects/my-proj/buckets/x"}},
	"azure-key-vault-uri":     {[]string{"https://kv-prod.vault.azure.net/secrets/airflow-db"}, []string{"https://example.com/secrets/x"}},
	"secret-manager-uri":      {[]string{"awssm://airflow/db", "op://vault/item/field"}, []string{"http://sm.example.com", "smtp://mail"}},
	"python-format-field":     {[]string{"{db_password}"}, []string{"{not a field}", "{}"}},
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestIndirectionFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range detect.Indirections {
		if seen[r.Name] {
			t.Errorf("recognizer name %s is not unique", r.Name)
		}
		seen[r.Name] = true
		fx, ok := indirectionFixtures[r.Name]
		if !ok || len(fx.match) == 0 || len(fx.noMatch) == 0 {
			t.Errorf("recognizer %s lacks true- or false-positive fixtures", r.Name)
			continue
		}
		for _, v := range fx.match {
			if !r.RE.MatchString(v) {
				t.Errorf("%s should recognise %q", r.Name, v)
			}
		}
		for _, v := range fx.noMatch {
			if r.RE.MatchString(v) {
				t.Errorf("%s should not recognise %q", r.Name, v)
			}
		}
	}
	for name := range indirectionFixtures {
		if !seen[name] {
			t.Errorf("fixtures for unknown recognizer %s", name)
		}
	}
}

func TestNotSecret(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"", true}, {"   ", true}, {"<your-password>", true}, {"xxxxxxxx", true}, {"XXXX-XXXX", true}, {"*****", true},
		{"...", true}, {"REDACTED", true}, {"/var/run/secrets/token", true}, {"file:///etc/airflow/pw", true},
		{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", true},
		{"github.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC", true},
		{"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", true},
		// deployed as-is: real (weak) credentials, not placeholders
		{"changeme", false}, {"change-me-secret", false}, {"admin", false}, {"password", false}, {"airflow", false},
		{"xXx-real-1", false}, {"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", false},
		{"relative/path", false},
	}
	for _, tt := range tests {
		if got := detect.NotSecret(tt.value); got != tt.want {
			t.Errorf("NotSecret(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestIdentifierLike(t *testing.T) {
	for _, v := range []string{
		"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"4b825dc642cb6eb9a060e54bf8d69288fbee4904", "123e4567-e89b-12d3-a456-426614174000",
		"apache/airflow@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	} {
		if !detect.IsIdentifierLike(v) {
			t.Errorf("%q should be identifier-like", v)
		}
	}
	for _, v := range []string{"hunter2", "Zm9vYmFyYmF6cXV4cXV1eA==", "0123456789abcdef"} {
		if detect.IsIdentifierLike(v) {
			t.Errorf("%q should not be identifier-like", v)
		}
	}
}
