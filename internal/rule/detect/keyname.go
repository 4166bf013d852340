package detect

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

// KeyClass says what a key's name implies about its value.
type KeyClass uint8

// Key classes.
const (
	// Neutral keys say nothing; only the value can make it a secret.
	Neutral KeyClass = iota + 1
	// Credential keys hold a secret: any literal value is one.
	Credential
	// Reference keys name a Secret, a key in it, a file or a mount: never
	// a secret themselves (passwordSecret, existingSecretKey, tokenPath).
	Reference
	// Identity keys hold usernames, logins and emails: not secrets.
	Identity
	// Locator keys hold URLs, DSNs and connection strings: secret only
	// when credentials are embedded.
	Locator
)

func (k KeyClass) String() string {
	return [...]string{"", "neutral", "credential", "reference", "identity", "locator"}[k]
}

// Words splits camelCase, snake_case, kebab-case, dotted and
// SCREAMING_SNAKE names into lower-case words: "basicAuthSecretKey" →
// [basic auth secret key], "AIRFLOW__CORE__FERNET_KEY" → [airflow core
// fernet key], "apiKEY" → [api key].
func Words(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && len(cur) > 0:
			prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || (unicode.IsUpper(rs[i-1]) && nextLower) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return joinCompounds(out)
}

// joinCompounds merges words that mean one thing when written together
// (apikey, passwd) so the rules below can look at single words.
func joinCompounds(ws []string) []string {
	out := ws[:0:0]
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if i+1 < len(ws) {
			pair := w + ws[i+1]
			switch pair {
			case "apikey", "secretkey", "accesskey", "privatekey", "clientsecret", "hostname", "username", "mountpath", "keyfile", "passphrase", "secretid":
				out = append(out, pair)
				i++
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

var (
	credentialLast = set("password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw", "pword",
		"token", "tokens", "credentials", "credential", "creds", "apikey", "secretkey", "privatekey",
		"clientsecret", "accesskey", "sas", "sastoken", "secretid")
	// Words that end a reference or a non-secret setting even when an
	// earlier word is a credential word (passwordSecretName, tokenPath).
	referenceLast = set("name", "names", "ref", "refs", "file", "files", "path", "paths", "dir",
		"directory", "mount", "mountpath", "location", "secretname", "keyfile", "keyref",
		"field", "fields", "env", "var", "vars", "template", "templates", "kind", "selector",
		"configmap", "store", "provider", "source", "from", "arn", "cmd", "command")
	neutralLast = set("enabled", "enable", "disabled", "type", "types", "backend", "mode", "format", "prefix",
		"suffix", "length", "len", "policy", "policies", "annotations", "labels", "id", "ids",
		"region", "version", "count", "size", "ttl", "interval", "expiry", "expiration", "expires",
		"period", "timeout", "days", "age", "header", "class", "method", "scheme", "algorithm",
		"alg", "rotation", "min", "max", "map", "dict", "kwargs", "minimum", "maximum", "rounds", "cost", "hash",
		"required", "require", "auto", "automount", "audience", "issuer", "scope", "scopes",
		"role", "roles", "url", "uri", "host", "hostname", "port", "endpoint", "bucket",
		"project", "account", "tenant", "subscription", "validation", "validity", "check", "strength",
		"complexity", "reset", "retries", "attempts", "limit", "ttlseconds", "seconds", "minutes",
		"hours", "list", "update", "updates", "sync", "refresh", "group", "groups")
	identityLast = set("user", "username", "usr", "login", "email", "mail", "owner", "account", "principal")
	locatorLast  = set("url", "uri", "urls", "uris", "dsn", "conn", "connection", "connections", "endpoint",
		"broker", "string", "str", "repo", "repository", "remote", "proxy", "index", "backend")
	// Before "key": the key itself is secret (apiKey, fernetKey, sshKey).
	secretKeyQualifier = set("api", "access", "secret", "private", "fernet", "ssh", "encryption", "signing",
		"sign", "client", "master", "license", "storage", "shared", "app", "auth", "crypt",
		"decryption", "hmac", "jwt", "session", "webhook", "primary", "secondary", "admin", "sas",
		"deploy", "gpg", "pgp", "rsa", "tls", "ssl", "cookie", "csrf", "flask", "django", "webserver",
		"service", "account", "aes", "cipher", "git", "sentry", "datadog", "dd", "stripe", "sendgrid",
		"openai", "slack", "github", "gitlab", "mapbox", "google", "azure", "aws", "gcp", "s3", "minio", "subscription")
	// Before "secret"/"secretkey": the name of a Kubernetes Secret or of a
	// key inside one, in the airflow-helm style (passwordSecret,
	// basicAuthSecretKey, existingSecret).
	secretRefQualifier = set("existing", "password", "passwd", "user", "username", "basic", "http", "https", "ssh",
		"tls", "ssl", "ca", "cert", "certificate", "credentials", "creds", "git", "db", "database",
		"redis", "postgres", "postgresql", "mysql", "kube", "env", "pull", "image", "docker", "registry",
		"known", "hosts", "config", "volume", "keytab", "kerberos", "ldap", "smtp", "vault", "sync",
		"connection", "connections", "variables", "users", "webserver", "flower", "metadata", "result", "auth",
		"broker", "fernet", "extra", "custom", "my", "airflow", "ref", "k8s", "kubernetes", "gcp", "aws", "azure", "sa", "oauth")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// keyCache memoises ClassifyKey: a values tree repeats the same few
// hundred key names thousands of times, and splitting words was a tenth
// of scan time. It is a pure function's cache, capped so hostile input
// with millions of distinct keys cannot grow it without bound.
var keyCache = struct {
	sync.Map
	n atomic.Int64
}{}

const keyCacheMax = 1 << 14

// ClassifyKey decides what a key name implies. It works for values keys
// (fernetKey, passwordSecretKey) and environment names
// (AIRFLOW__SMTP__SMTP_PASSWORD) alike.
func ClassifyKey(name string) KeyClass {
	if c, ok := keyCache.Load(name); ok {
		return c.(KeyClass)
	}
	c := classifyKey(name)
	if keyCache.n.Load() < keyCacheMax {
		keyCache.n.Add(1)
		keyCache.Store(name, c)
	}
	return c
}

func classifyKey(name string) KeyClass {
	// Vault Agent Injector annotations name a secret's path in Vault
	// (agent-inject-secret-db-password: secret/data/airflow/db) or hold a
	// template that reads it: references, however their names end.
	if strings.HasPrefix(name, "vault.hashicorp.com/") {
		return Reference
	}
	w := Words(name)
	if len(w) == 0 {
		return Neutral
	}
	last := normalizeLast(w[len(w)-1])
	prev := ""
	if len(w) > 1 {
		prev = w[len(w)-2]
	}
	switch {
	case referenceLast[last]:
		return Reference
	case last == "secret" || last == "secrets":
		return classifySecretWord(w)
	case last == "secretkey":
		// "<thing>SecretKey" names a key inside <thing>'s Secret
		// (passwordSecretKey); a bare or qualified secret key is one
		// (webserverSecretKey, AWS_SECRET_KEY).
		if prev != "" && secretRefQualifier[prev] && prev != "webserver" && prev != "fernet" && prev != "aws" && prev != "gcp" && prev != "azure" {
			return Reference
		}
		return Credential
	case last == "key" || last == "keys":
		return classifyKeyWord(w, prev)
	case last == "auth" || last == "authorization":
		if prev == "basic" || prev == "http" || prev == "bearer" || prev == "proxy" || prev == "" {
			return Credential
		}
		return Neutral
	case credentialLast[last]:
		if isReferenceChain(w) {
			return Reference
		}
		return Credential
	case identityLast[last]:
		return Identity
	case locatorLast[last]:
		return Locator
	case neutralLast[last]:
		return Neutral
	}
	return Neutral
}

// normalizeLast maps run-together names (PGPASSWORD, adminpassword,
// slacktoken) to the credential word they end with.
func normalizeLast(w string) string {
	if credentialLast[w] || referenceLast[w] || neutralLast[w] || identityLast[w] || locatorLast[w] {
		return w
	}
	for _, suffix := range []string{"password", "passwd", "token", "apikey", "secretkey", "secret"} {
		if len(w) > len(suffix)+1 && strings.HasSuffix(w, suffix) {
			return suffix
		}
	}
	return w
}

// isReferenceChain catches names like "passwordSecretPassword"? No: it
// catches "existingSecretPassword"-style keys where an earlier "secret"
// or "existing" word makes the whole name point at a Secret.
func isReferenceChain(w []string) bool {
	for _, x := range w[:len(w)-1] {
		if x == "existing" || x == "secretkey" {
			return true
		}
	}
	return false
}

func classifySecretWord(w []string) KeyClass {
	if len(w) == 1 {
		return Credential
	}
	prev := w[len(w)-2]
	switch prev {
	case "client", "app", "api", "consumer", "jwt", "shared", "webhook", "hmac", "signing",
		"session", "cookie", "django", "flask", "encryption", "master", "token", "bot", "oauth2",
		"totp", "otp", "mfa", "csrf", "aws", "minio", "s3", "access", "sentry", "github", "gitlab":
		return Credential
	}
	return Reference
}

func classifyKeyWord(w []string, prev string) KeyClass {
	switch {
	case prev == "":
		return Neutral
	case secretKeyQualifier[prev]:
		// "sshSecretKey"-like chains were handled above; here the key is
		// the secret, unless it is clearly a public one.
		if len(w) >= 3 && (w[len(w)-3] == "public") {
			return Neutral
		}
		return Credential
	case prev == "public" || prev == "host" || prev == "known":
		return Neutral
	case credentialLast[prev] || prev == "secret" || identityLast[prev]:
		// passwordKey, tokenKey, userKey: the name of a key in a Secret.
		return Reference
	}
	return Neutral
}
