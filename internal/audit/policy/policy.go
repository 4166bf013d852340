// Package policy holds what an audit judges against: rotation limits per
// kind of secret and the identities expected to read Secrets. Defaults
// apply without configuration; the audit section of .airlock.yaml
// overrides them and is decoded strictly (an unknown key or a bad
// duration is an error naming the line).
//
//	audit:
//	  rotation:            # a duration per kind: 90d, 12w, 2160h; off disables
//	    fernetKey: 90d
//	    databasePassword: 180d
//	  expectedSecretReaders:
//	    - ServiceAccount:external-secrets/external-secrets
//	    - Group:platform-admins
package policy

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Kind is a kind of secret with its own rotation limit.
type Kind string

// Rotation kinds.
const (
	FernetKey          Kind = "fernetKey"          // AIRFLOW__CORE__FERNET_KEY
	WebserverSecretKey Kind = "webserverSecretKey" // AIRFLOW__WEBSERVER__SECRET_KEY (session signing)
	DatabasePassword   Kind = "databasePassword"   // metadata database password or connection string
	RedisPassword      Kind = "redisPassword"      // Celery broker
	Connection         Kind = "connection"         // AIRFLOW_CONN_* and other service credentials
	Token              Kind = "token"              // API tokens and keys
	SSHKey             Kind = "sshKey"             // git-sync deploy keys
	TLS                Kind = "tls"                // kubernetes.io/tls
	Registry           Kind = "registry"           // image pull secrets
	Other              Kind = "other"              // anything else a workload uses
)

// Day is 24 hours: rotation limits are counted in days.
const Day = 24 * time.Hour

// defaults are the rotation limits without configuration. Keys that
// protect data at rest or sessions, and tokens, which leak most easily,
// rotate quarterly; passwords twice a year; key pairs, certificates and
// anything unclassified yearly.
func defaults() map[Kind]time.Duration {
	return map[Kind]time.Duration{
		FernetKey: 90 * Day, WebserverSecretKey: 90 * Day, Connection: 90 * Day, Token: 90 * Day,
		DatabasePassword: 180 * Day, RedisPassword: 180 * Day, Registry: 180 * Day,
		SSHKey: 365 * Day, TLS: 365 * Day, Other: 365 * Day,
	}
}

// Kinds lists every kind, for documentation and validation.
func Kinds() []Kind {
	var ks []Kind
	for k := range defaults() {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// Policy is the audit's configuration.
type Policy struct {
	// Rotation is the limit per kind; zero means "do not check".
	Rotation map[Kind]time.Duration
	// Expected are subjects whose Secret access is intended (an operator's
	// controller, a platform group): reported as informational.
	Expected []Subject
}

// Subject names an RBAC subject in the config: Kind:name or
// ServiceAccount:namespace/name.
type Subject struct {
	Kind, Namespace, Name string
}

// Default returns the policy without configuration.
func Default() Policy { return Policy{Rotation: defaults()} }

// Limit returns the rotation limit of a kind (zero: not checked).
func (p Policy) Limit(k Kind) time.Duration { return p.Rotation[k] }

// IsExpected reports whether a subject is listed as expected.
func (p Policy) IsExpected(kind, namespace, name string) bool {
	for _, s := range p.Expected {
		if s.Kind == kind && s.Name == name && (kind != "ServiceAccount" || s.Namespace == namespace) {
			return true
		}
	}
	return false
}

type raw struct {
	Rotation map[string]yaml.Node `yaml:"rotation"`
	Expected []yaml.Node          `yaml:"expectedSecretReaders"`
}

// Decode reads the audit section (n may be nil: defaults). file names the
// config for error messages.
func Decode(file string, n *yaml.Node) (Policy, error) {
	p := Default()
	if n == nil || n.Kind == 0 {
		return p, nil
	}
	var r raw
	if err := n.Decode(&r); err != nil {
		return p, &yamltree.Error{File: file, Line: n.Line, Msg: "audit: " + err.Error()}
	}
	if err := strictKeys(file, n); err != nil {
		return p, err
	}
	for key, v := range r.Rotation {
		k := Kind(key)
		if _, ok := p.Rotation[k]; !ok {
			return p, &yamltree.Error{File: file, Line: v.Line, Msg: fmt.Sprintf("audit.rotation: unknown kind %q (known: %s)", key, joinKinds())}
		}
		d, err := ParseLimit(v.Value)
		if err != nil {
			return p, &yamltree.Error{File: file, Line: v.Line, Msg: fmt.Sprintf("audit.rotation.%s: %v", key, err)}
		}
		p.Rotation[k] = d
	}
	for _, v := range r.Expected {
		s, err := parseSubject(v.Value)
		if err != nil {
			return p, &yamltree.Error{File: file, Line: v.Line, Msg: "audit.expectedSecretReaders: " + err.Error()}
		}
		p.Expected = append(p.Expected, s)
	}
	return p, nil
}

// strictKeys rejects unknown keys of the section: yaml.Node.Decode has no
// KnownFields switch.
func strictKeys(file string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &yamltree.Error{File: file, Line: n.Line, Msg: "audit: must be a mapping"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		switch k.Value {
		case "rotation", "expectedSecretReaders":
		default:
			return &yamltree.Error{File: file, Line: k.Line, Msg: fmt.Sprintf("audit: unknown key %q (known: rotation, expectedSecretReaders)", k.Value)}
		}
	}
	return nil
}

var limitRE = regexp.MustCompile(`^(\d+)([dwh]?)$`)

// ParseLimit reads a rotation limit: 90d, 12w, 2160h, a bare number of
// days, or off (0).
func ParseLimit(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "off" || s == "0" {
		return 0, nil
	}
	m := limitRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad duration %q (want e.g. 90d, 12w, 2160h or off)", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 100*365 {
		return 0, fmt.Errorf("duration %q out of range", s)
	}
	unit := map[string]time.Duration{"": Day, "d": Day, "w": 7 * Day, "h": time.Hour}[m[2]]
	return time.Duration(n) * unit, nil
}

func parseSubject(s string) (Subject, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || rest == "" {
		return Subject{}, fmt.Errorf("bad subject %q (want User:NAME, Group:NAME or ServiceAccount:NAMESPACE/NAME)", s)
	}
	switch kind {
	case "User", "Group":
		return Subject{Kind: kind, Name: rest}, nil
	case "ServiceAccount":
		ns, name, ok := strings.Cut(rest, "/")
		if !ok || ns == "" || name == "" {
			return Subject{}, fmt.Errorf("bad service account %q (want ServiceAccount:NAMESPACE/NAME)", s)
		}
		return Subject{Kind: kind, Namespace: ns, Name: name}, nil
	}
	return Subject{}, fmt.Errorf("bad subject kind %q in %q (want User, Group or ServiceAccount)", kind, s)
}

func joinKinds() string {
	var s []string
	for _, k := range Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}
