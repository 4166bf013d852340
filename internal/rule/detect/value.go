package detect

import (
	"regexp"
	"strings"
)

// Recognizer is a named not-a-secret pattern: the value is resolved by
// some tool at deploy or run time, so what is committed is a reference.
// Each has true- and false-positive fixtures in value_test.go.
type Recognizer struct {
	Name string
	RE   *regexp.Regexp
}

// Indirections are the recognizers IsIndirect applies.
var Indirections = []Recognizer{
	{"helm-template", regexp.MustCompile(`\{\{.*\}\}`)},                    // Helm/Go templates, Jinja, Mustache
	{"envsubst", regexp.MustCompile(`\$\{[^}]*\}`)},                        // ${VAR}, Terraform, GitHub Actions ${{ }}
	{"shell-var", regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$`)},        // $VAR (the chart's *Templates accept it)
	{"kubernetes-var", regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_]*\)`)}, // $(VAR) expanded by the kubelet
	{"argocd-vault-plugin", regexp.MustCompile(`<path:[^>]+>`)},
	{"vals", regexp.MustCompile(`(^|[^A-Za-z0-9])ref\+[a-z0-9]+://`)},
	{"bank-vaults", regexp.MustCompile(`^vault:[A-Za-z0-9/_.-]+#`)},
	{"replace-token", regexp.MustCompile(`#\{[^}]+\}#?`)}, // Azure DevOps, Octopus
	{"double-underscore-token", regexp.MustCompile(`^__[A-Za-z0-9_]+__$`)},
	{"percent-token", regexp.MustCompile(`^%[A-Za-z_][A-Za-z0-9_]*%$`)},
	{"at-token", regexp.MustCompile(`^@[A-Za-z_][A-Za-z0-9_.]*@$`)}, // Maven, Ant
	{"concourse-var", regexp.MustCompile(`\(\([A-Za-z0-9_.-]+\)\)`)},
	{"sops", regexp.MustCompile(`^ENC\[[A-Z0-9_]+,data:`)},
	{"ansible-vault", regexp.MustCompile(`^\$ANSIBLE_VAULT;`)},
	{"sealed-secrets", regexp.MustCompile(`^AgA[A-Za-z0-9+/=]{200,}$`)},
	{"aws-secret-arn", regexp.MustCompile(`^arn:aws[a-z-]*:(secretsmanager|ssm):`)},
	{"gcp-secret-name", regexp.MustCompile(`^projects/[^/]+/secrets/[^/]+`)},
	{"azure-key-vault-uri", regexp.MustCompile(`^https://[a-z0-9-]+\.vault\.azure\.net/secrets/`)},
	{"secret-manager-uri", regexp.MustCompile(`^(sm|gcpsm|awssm|akv|secretsmanager|ssm|op|bws|doppler)://`)},
	{"python-format-field", regexp.MustCompile(`^\{[A-Za-z_][A-Za-z0-9_.]*\}$`)},
}

// IsIndirect reports whether v is (or embeds, for the secret part) a
// reference resolved by deployment tooling or at render time. Multi-line
// text is never indirect as a whole: it is scanned part by part.
func IsIndirect(v string) bool {
	if strings.Contains(strings.TrimSpace(v), "\n") {
		return false
	}
	for _, r := range Indirections {
		if r.RE.MatchString(v) {
			return true
		}
	}
	return false
}

var placeholderWords = set("redacted", "<redacted>", "[redacted]", "hidden", "masked", "omitted", "elided", "removed", "snip", "snipped")

// IsPlaceholder reports values that cannot be a working credential as
// committed: <angle-bracket> slots, runs of x or *, bare punctuation, and
// redaction markers. Words such as "changeme" are NOT placeholders here:
// they are deployed as-is and are real, weak credentials.
func IsPlaceholder(v string) bool {
	t := strings.TrimSpace(v)
	if t == "" {
		return true
	}
	if strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") && !strings.ContainsAny(t[1:len(t)-1], "<>") {
		return true
	}
	if placeholderWords[strings.ToLower(t)] {
		return true
	}
	alnum := 0
	xs := 0
	for _, r := range t {
		switch {
		case r == 'x' || r == 'X':
			xs++
			alnum++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			alnum++
		}
	}
	if alnum == 0 {
		return true // "***", "...", "-"
	}
	return xs == alnum && xs >= 3 // "xxxx", "XXXX-XXXX"
}

var filePathRE = regexp.MustCompile(`^(~?/[A-Za-z0-9._@+-]+)+/?$|^file://\S+$`)

// IsFilePath reports an absolute path or file URI: the value names where a
// secret is, not the secret (GOOGLE_APPLICATION_CREDENTIALS=/var/...).
func IsFilePath(v string) bool {
	return filePathRE.MatchString(strings.TrimSpace(v))
}

var (
	digestRE   = regexp.MustCompile(`^(sha(1|256|384|512)|md5):[0-9a-fA-F]{32,128}$`)
	hexHashRE  = regexp.MustCompile(`^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$|^[0-9A-F]{40}$`)
	uuidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	pubKeyRE   = regexp.MustCompile(`^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA`)
	publicPEM  = regexp.MustCompile(`-----BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK)-----`)
	privatePEM = regexp.MustCompile(`-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|ED25519) )?PRIVATE KEY(?: BLOCK)?-----|-----BEGIN PGP PRIVATE KEY BLOCK-----`)
	// privatePEMBlock takes the whole block (or the rest of the value when
	// the END line is missing), so the secret that fix moves is complete.
	privatePEMBlock = regexp.MustCompile(`(?s)(?:-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|ED25519) )?PRIVATE KEY(?: BLOCK)?-----|-----BEGIN PGP PRIVATE KEY BLOCK-----)(?:.*?-----END [A-Z ]+-----|.*)`)
)

// IsIdentifierLike reports digests, git SHAs, UUIDs and checksums. They
// are not secrets unless a credential key says otherwise (a hex webserver
// key is a secret), so callers only use this for neutral keys.
func IsIdentifierLike(v string) bool {
	t := strings.TrimSpace(v)
	return digestRE.MatchString(t) || hexHashRE.MatchString(t) || uuidRE.MatchString(t) ||
		strings.Contains(t, "@sha256:")
}

// IsPublicMaterial reports certificates, public keys and known_hosts lines
// that contain no private key.
func IsPublicMaterial(v string) bool {
	if privatePEM.MatchString(v) {
		return false
	}
	if publicPEM.MatchString(v) {
		return true
	}
	for _, line := range strings.Split(strings.TrimSpace(v), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) >= 2 && pubKeyRE.MatchString(strings.Join(f[len(f)-2:], " ")) {
			continue
		}
		if pubKeyRE.MatchString(line) {
			continue
		}
		return false
	}
	return strings.TrimSpace(v) != ""
}

// NotSecret reports values that are never a committed secret, whatever
// the key: empty, templated, referenced, placeholders, paths, public keys.
func NotSecret(v string) bool {
	return strings.TrimSpace(v) == "" || IsIndirect(v) || IsPlaceholder(v) || IsFilePath(v) || IsPublicMaterial(v)
}

var envReadRE = regexp.MustCompile(`os\.environ|os\.getenv|getenv\(|environ\.get|Variable\.get|conf\.get|BaseHook\.get_connection|get_secret|\$\{?[A-Z_][A-Z0-9_]*\}?`)

// ReadsEnvironment reports code that takes its value from the environment
// or a secrets API rather than holding it.
func ReadsEnvironment(code string) bool { return envReadRE.MatchString(code) }
