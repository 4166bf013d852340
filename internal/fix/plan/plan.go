package plan

import (
	"cmp"
	"slices"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/redact"
)

// Plan is everything fix will do. See the package documentation.
type Plan struct {
	// Prefix starts every Secret name ("airflow" gives airflow-database).
	Prefix  string
	Secrets []*Secret
	Moves   []Move
	Files   []*FileEdit
	Skipped []Skip
	// Notes are things the user must know (rotation of a regenerated
	// fernet key, database passwords of existing installations, ...).
	Notes []string
}

// Secret is one Kubernetes Secret the fixed values reference.
type Secret struct {
	Name string
	// Component is the part of the deployment it serves (database,
	// fernet-key, users, ...); Name is Prefix-Component.
	Component string
	Items     []Item
}

// Item is one key of a Secret.
type Item struct {
	Key   string
	Value redact.Value
	// Generated marks a fresh random value that replaces a public chart
	// default (or an existing generated value kept from a previous run).
	Generated bool
}

// Get returns the item with key k.
func (s *Secret) Get(k string) (Item, bool) {
	for _, it := range s.Items {
		if it.Key == k {
			return it, true
		}
	}
	return Item{}, false
}

// Move records how one finding was fixed.
type Move struct {
	Finding finding.Finding
	// Secret and Key receive the value; empty when the literal was unused
	// by the chart (overridden, or its feature disabled) and was only
	// removed.
	Secret, Key string
	Generated   bool
	// Via says how the chart now reads the value, e.g.
	// "airflow.extraEnv AIRFLOW__CORE__FERNET_KEY (secretKeyRef)".
	Via string
}

// FileEdit is the list of edits for one values file.
type FileEdit struct {
	File string // as named with -f
	Ops  []edit.Op
	// Owners[i] is the values path group (see Move) that needs Ops[i];
	// fix uses it to drop the moves of an op the file cannot take.
	Owners [][]string
}

// Skip is a finding fix leaves alone.
type Skip struct {
	Finding finding.Finding
	Reason  string
}

// Secret returns the Secret named name, or nil.
func (p *Plan) Secret(name string) *Secret {
	for _, s := range p.Secrets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Empty reports a plan with nothing to change.
func (p *Plan) Empty() bool {
	for _, f := range p.Files {
		if len(f.Ops) > 0 {
			return false
		}
	}
	return len(p.Secrets) == 0
}

func (p *Plan) sort() {
	slices.SortFunc(p.Secrets, func(a, b *Secret) int { return cmp.Compare(a.Name, b.Name) })
	for _, s := range p.Secrets {
		slices.SortFunc(s.Items, func(a, b Item) int { return cmp.Compare(a.Key, b.Key) })
	}
	slices.SortStableFunc(p.Moves, func(a, b Move) int { return cmpFinding(a.Finding, b.Finding) })
	slices.SortStableFunc(p.Skipped, func(a, b Skip) int { return cmpFinding(a.Finding, b.Finding) })
}

func cmpFinding(a, b finding.Finding) int {
	if a.Loc.IsZero() != b.Loc.IsZero() {
		if a.Loc.IsZero() {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Line, b.Loc.Line),
		cmp.Compare(a.Loc.Col, b.Loc.Col), cmp.Compare(a.Path, b.Path))
}
