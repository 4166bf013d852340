package detect

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	// scheme://user:password@host — the password part may be empty-user
	// (redis://:pw@host) and URL-encoded.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*)://([^/\s:@'"<>{}]*):([^@\s/'"<>]+)@[^\s'"]`)
	// scheme://token@host — a bare token as the user (GitHub, GitLab).
	tokenUserRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*)://([^/\s:@'"<>{}]{16,})@[^\s'"]`)
	// ?password=…, &token=… in query strings and DSNs.
	queryCredRE = regexp.MustCompile(`(?i)[?&;](password|passwd|pwd|sasl_password|token|access_token|auth_token|api_key|apikey|secret|client_secret|sig|sharedaccesskey|accountkey)=([^&\s'";]+)`)
)

// URLCredential finds a credential embedded in a URL or DSN anywhere in s
// and returns it. Templated or placeholder passwords do not count.
func URLCredential(s string) (secret, detail string, ok bool) {
	if !strings.Contains(s, "://") && !strings.ContainsAny(s, "?&;") {
		return "", "", false
	}
	for _, m := range userinfoRE.FindAllStringSubmatch(s, -1) {
		pw := m[3]
		if dec, err := url.PathUnescape(pw); err == nil {
			pw = dec
		}
		if NotSecret(pw) || strings.HasPrefix(pw, "$") || strings.HasPrefix(m[3], "$") || strings.HasPrefix(pw, "{") {
			continue
		}
		if isPortOnly(m[2], m[3]) {
			continue
		}
		return pw, "password in " + m[1] + ":// URL", true
	}
	for _, m := range tokenUserRE.FindAllStringSubmatch(s, -1) {
		if t := m[2]; LooksLikeToken(t) && !NotSecret(t) {
			return t, "token as user in " + m[1] + ":// URL", true
		}
	}
	for _, m := range queryCredRE.FindAllStringSubmatch(s, -1) {
		v := m[2]
		if dec, err := url.QueryUnescape(v); err == nil {
			v = dec
		}
		if NotSecret(v) || strings.HasPrefix(v, "$") {
			continue
		}
		return v, m[1] + "= parameter in URL", true
	}
	return "", "", false
}

// isPortOnly rejects "host:8080@..." false matches where the "password"
// is a port number and the "user" is a host.
func isPortOnly(user, pw string) bool {
	if strings.Contains(user, ".") {
		for _, r := range pw {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// LooksLikeToken is a shape check for bearer tokens used as URL users or
// found without a key name: a known provider prefix, or long and mixed.
func LooksLikeToken(t string) bool {
	if _, _, ok := ProviderToken(t); ok {
		return true
	}
	if len(t) < 20 {
		return false
	}
	var lower, upper, digit bool
	for _, r := range t {
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		case r == '-' || r == '_' || r == '.':
		default:
			return false
		}
	}
	return digit && (lower || upper) && Entropy(t) >= 3.5
}
