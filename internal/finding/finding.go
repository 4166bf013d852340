// Package finding defines what rules report: a located, redacted,
// fingerprinted finding. Nothing here knows about output formats.
package finding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/redact"
)

// Class is the public classification from the scan contract.
type Class string

// Classes.
const (
	Hardcoded       Class = "hardcoded-secret"
	InsecureDefault Class = "insecure-default"
	Misconfig       Class = "misconfiguration"
)

// Severity orders findings; the zero value is invalid on purpose so a rule
// that forgets to set it fails validation.
type Severity int

// Severities.
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var sevNames = map[Severity]string{Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical"}

func (s Severity) String() string {
	if n, ok := sevNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Valid reports whether s is one of the named severities.
func (s Severity) Valid() bool { _, ok := sevNames[s]; return ok }

// ParseSeverity reads a severity name.
func ParseSeverity(name string) (Severity, error) {
	for s, n := range sevNames {
		if strings.EqualFold(n, name) {
			return s, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want info, low, medium, high or critical)", name)
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Location is where a finding sits in a user file. A zero Location means
// the value is inherited from chart defaults and no user line holds it.
type Location struct {
	File string
	Line int
	Col  int
	Doc  int // 0-based YAML document index within the file
}

// IsZero reports an inherited (unlocated) finding.
func (l Location) IsZero() bool { return l.File == "" }

// Finding is one secret problem.
type Finding struct {
	RuleID   string
	Class    Class
	Severity Severity
	// Path is the Helm values path, e.g. airflow.users[0].password.
	Path string
	Loc  Location
	// Default points at the chart default a finding inherits, when known
	// (chart values.yaml or the built-in catalog).
	Default Location
	Message string
	// Remediation says what to do; Fix is YAML to use instead.
	Remediation string
	Fix         string
	Secret      redact.Value
	Fingerprint string
	// Origin distinguishes values, history, cluster and rendered findings.
	Origin string
	// History is set for findings read from git history (Origin "history").
	History *History
	// Suppressed is set by the engine when an inline "airlock:ignore"
	// comment covers the finding; suppressed findings are counted, not shown.
	Suppressed bool
}

// SetFingerprint derives a fingerprint that survives line moves and never
// encodes the secret: rule, file and values path.
func (f *Finding) SetFingerprint() {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", f.RuleID, f.Loc.File, f.Path, f.Origin)
	f.Fingerprint = hex.EncodeToString(h.Sum(nil))[:32]
}

// Sort orders findings for stable output: located first by file, line and
// column, then inherited by path; rule id breaks ties.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Loc.IsZero() != b.Loc.IsZero() {
			if a.Loc.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Or(
			cmp.Compare(a.Loc.File, b.Loc.File),
			cmp.Compare(a.Loc.Line, b.Loc.Line),
			cmp.Compare(a.Loc.Col, b.Loc.Col),
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.RuleID, b.RuleID),
		)
	})
}
