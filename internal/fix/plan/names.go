package plan

import (
	"encoding/base64"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Components, each one Secret named <prefix>-<component>. The names are
// stable across runs so that re-running fix (or a later externalize)
// finds the same objects.
const (
	CompDatabase        = "database"
	CompRedis           = "redis"
	CompFernetKey       = "fernet-key"
	CompWebserverKey    = "webserver-secret-key"
	CompUsers           = "users"
	CompConnections     = "connections"
	CompVariables       = "variables"
	CompConfigEnv       = "config-env"
	CompExtraEnv        = "extra-env"
	CompGit             = "git"
	CompFlowerBasicAuth = "flower-basic-auth"
)

var nonKeyRE = regexp.MustCompile(`[^a-z0-9.]+`)
var nonVarRE = regexp.MustCompile(`[^A-Z0-9_]+`)

// secretKey turns a name (a user, a connection id) into a Secret key:
// lower-case, dashes for anything outside [a-z0-9.].
func secretKey(parts ...string) string {
	var out []string
	for _, p := range parts {
		k := strings.Trim(nonKeyRE.ReplaceAllString(strings.ToLower(p), "-"), "-.")
		if k != "" {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return "value"
	}
	return strings.Join(out, "-")
}

// templateVar turns a name into a chart template variable, which must
// match ^[a-zA-Z_][a-zA-Z0-9_]*$.
func templateVar(parts ...string) string {
	var out []string
	for _, p := range parts {
		v := strings.Trim(nonVarRE.ReplaceAllString(strings.ToUpper(p), "_"), "_")
		if v != "" {
			out = append(out, v)
		}
	}
	v := strings.Join(out, "_")
	if v == "" || v[0] >= '0' && v[0] <= '9' {
		v = "X_" + v
	}
	return v
}

// Generators for values that replace public defaults. Every one uses 32
// random bytes; a Fernet key is exactly 32 bytes in URL-safe base64.
type generator func(io.Reader) (string, error)

func fernetKey(r io.Reader) (string, error) {
	b, err := randomBytes(r, 32)
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(b), nil
}

// token is URL-safe without padding, so it needs no quoting or encoding in
// URLs, YAML or shell.
func token(r io.Reader) (string, error) {
	b, err := randomBytes(r, 32)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func randomBytes(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("generate a random value: %w", err)
	}
	return b, nil
}
