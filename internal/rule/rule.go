// Package rule defines what a rule is and the registry that holds them.
// Rules read the values model (yamltree) and emit findings; they know
// nothing about flags, files on disk or output formats.
package rule

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Meta describes a rule for users (airlock rules, SARIF rule metadata).
type Meta struct {
	ID          string
	Title       string
	Class       finding.Class
	Severity    finding.Severity
	Description string
	Remediation string
	HelpURI     string
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate rejects incomplete metadata; the registry calls it so a rule
// without a remediation cannot ship.
func (m Meta) Validate() error {
	var errs []error
	if !idRE.MatchString(m.ID) {
		errs = append(errs, fmt.Errorf("id %q is not kebab-case", m.ID))
	}
	if m.Title == "" || m.Description == "" {
		errs = append(errs, errors.New("title and description are required"))
	}
	if m.Class != finding.Hardcoded && m.Class != finding.InsecureDefault && m.Class != finding.Misconfig {
		errs = append(errs, fmt.Errorf("unknown class %q", m.Class))
	}
	if !m.Severity.Valid() {
		errs = append(errs, fmt.Errorf("invalid severity %d", m.Severity))
	}
	if !strings.HasSuffix(m.Remediation, ".") {
		errs = append(errs, errors.New("remediation must be a sentence ending in '.'"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("rule %s: %w", m.ID, err)
	}
	return nil
}

// Family is the chart a values file was written for.
type Family uint8

// Chart families.
const (
	UnknownChart  Family = iota
	AirflowHelm          // airflow-helm/charts "airflow" 7.x/8.x (the user-community chart)
	ApacheAirflow        // the official apache/airflow chart
)

func (f Family) String() string {
	return [...]string{"unknown chart", "airflow-helm/charts airflow (user-community)", "apache-airflow/airflow (official)"}[f]
}

// Input is everything a rule may read.
type Input struct {
	Files []*yamltree.File
	// Effective is the merged first documents over the chart defaults.
	Effective *yamltree.Node
	// Family is the chart the run assumes; chart-aware rules only speak
	// for AirflowHelm.
	Family Family
	// DefaultsName names where defaults came from, for messages.
	DefaultsName string
}

// Scalar is one scalar of a user document, with its context.
type Scalar struct {
	*yamltree.Cursor
	File *yamltree.File
	Doc  *yamltree.Document
	// Rel is the path relative to the chart's values root (differs from
	// Path in umbrella charts); nil when the scalar is outside it or the
	// document is not for a chart airlock knows.
	Rel yamltree.Path
	// Memo lets rules that share work (the generic rules) cache it for
	// the duration of one visit.
	Memo any
}

// Hit is a secret a scalar rule found.
type Hit struct {
	Secret string
	Detail string
	// Fix is YAML to use instead, when the rule can be specific.
	Fix string
	// Remediation overrides the rule's when the hit knows better.
	Remediation string
}

// ScalarRule judges scalars one at a time. It returns claimed when it owns
// the scalar (a known key of the chart, secret or not); later rules then
// leave the scalar alone, so a chart-aware "not a secret" stands.
type ScalarRule interface {
	Meta() Meta
	Check(s *Scalar) (hit Hit, found, claimed bool)
}

// ValuesRule judges the effective (merged) values as a whole.
type ValuesRule interface {
	Meta() Meta
	CheckValues(ctx context.Context, in *Input, emit func(finding.Finding)) error
}

// Claimer marks scalars that no rule may report: keys that name a
// Kubernetes Secret or hold public data in a chart airlock knows.
type Claimer interface {
	Claims(s *Scalar) bool
}

// Registry holds rules in priority order.
type Registry struct {
	claimers []Claimer
	scalar   []ScalarRule
	values   []ValuesRule
	metas    []Meta
	ids      map[string]bool
}

// New returns an empty registry.
func New() *Registry { return &Registry{ids: map[string]bool{}} }

// Register adds rules in priority order (earlier claims first). A rule
// must be a ScalarRule, a ValuesRule, or both; duplicate ids and invalid
// metadata are errors.
func (r *Registry) Register(rules ...any) error {
	for _, x := range rules {
		var m Meta
		s, isScalar := x.(ScalarRule)
		v, isValues := x.(ValuesRule)
		switch {
		case isScalar:
			m = s.Meta()
		case isValues:
			m = v.Meta()
		default:
			return fmt.Errorf("rule %T implements neither ScalarRule nor ValuesRule", x)
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if r.ids[m.ID] {
			return fmt.Errorf("rule %s registered twice", m.ID)
		}
		r.ids[m.ID] = true
		r.metas = append(r.metas, m)
		if isScalar {
			r.scalar = append(r.scalar, s)
		}
		if isValues {
			r.values = append(r.values, v)
		}
	}
	return nil
}

// AddClaimer adds a claimer; claimers run before every scalar rule.
func (r *Registry) AddClaimer(c Claimer) { r.claimers = append(r.claimers, c) }

// Claimers returns the claimers.
func (r *Registry) Claimers() []Claimer { return r.claimers }

// Scalar returns the scalar rules in priority order.
func (r *Registry) Scalar() []ScalarRule { return r.scalar }

// Values returns the values rules.
func (r *Registry) Values() []ValuesRule { return r.values }

// Metas returns every rule's metadata in registration order.
func (r *Registry) Metas() []Meta { return append([]Meta(nil), r.metas...) }

// Lookup returns a rule's metadata by id.
func (r *Registry) Lookup(id string) (Meta, bool) {
	for _, m := range r.metas {
		if m.ID == id {
			return m, true
		}
	}
	return Meta{}, false
}
