package remote

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/airlockhq/airlock/internal/redact"
)

// Secret is one secret in the manager.
type Secret struct {
	// Name is the provider-native name: a path below the KV mount in
	// Vault (airflow/database), a secret name in AWS (airflow/database),
	// a secret id in Google Cloud or a secret name in Azure
	// (airflow-database).
	Name  string
	Props []Prop
	// Raw marks a secret whose content is the single property's value as
	// a plain string rather than a JSON object (clouds only).
	Raw bool
	// Readers are the identities that read it (sorted).
	Readers []string
}

// Prop is one property of a secret.
type Prop struct {
	Key   string
	Value redact.Value
	// Generated marks a fresh random value replacing a public chart
	// default: a value already in the manager wins over it, so a second
	// run never rotates a fernet key by accident.
	Generated bool
}

// Get returns the property named k.
func (s *Secret) Get(k string) (Prop, bool) {
	for _, p := range s.Props {
		if p.Key == k {
			return p, true
		}
	}
	return Prop{}, false
}

// Keys lists the property names.
func (s *Secret) Keys() []string {
	out := make([]string, len(s.Props))
	for i, p := range s.Props {
		out[i] = p.Key
	}
	return out
}

// Sort orders secrets by name, properties by key and readers by name, so
// every rendering of a set of secrets is deterministic.
func Sort(ss []*Secret) {
	slices.SortFunc(ss, func(a, b *Secret) int { return cmp.Compare(a.Name, b.Name) })
	for _, s := range ss {
		slices.SortFunc(s.Props, func(a, b Prop) int { return cmp.Compare(a.Key, b.Key) })
		slices.Sort(s.Readers)
		s.Readers = slices.Compact(s.Readers)
	}
}

// Current is what the manager holds for a secret.
type Current struct {
	Found bool
	// Props are the stored properties; values are strings unless someone
	// stored other JSON types, which Sync keeps as they are.
	Props map[string]any
	// Version is the provider's version for a conditional write (Vault
	// KV v2 cas: 0 when the secret does not exist).
	Version int64
}

// Store reads and writes secrets in one manager.
type Store interface {
	// Read returns the secret's current content; Found is false when it
	// does not exist.
	Read(ctx context.Context, s *Secret) (Current, error)
	// Write stores props as the secret's full content, conditionally on
	// cur (the state Read returned) where the provider supports it.
	Write(ctx context.Context, s *Secret, props map[string]any, cur Current) error
}

// ErrConflict is returned by Write when the secret changed after Read.
var ErrConflict = errors.New("the secret changed while airlock was writing it; run again")

// Outcome is what Sync did (or would do) to one secret.
type Outcome struct {
	Name                        string
	Created, Updated, Unchanged []string // property names, never values
	// Kept are generated properties whose existing value in the manager
	// was kept.
	Kept []string
	// New reports that the secret itself did not exist.
	New   bool
	Wrote bool
}

// Changed reports whether the secret needs a write.
func (o Outcome) Changed() bool { return len(o.Created)+len(o.Updated) > 0 }

// Report sums a Sync.
type Report struct {
	Secrets                     []Outcome
	Created, Updated, Unchanged int
}

// Sync pushes secrets to the store: for each secret it reads the current
// content, merges (properties it does not manage are kept, generated ones
// already present keep their stored value) and writes only when something
// is created or changed. With dryRun it only reads.
func Sync(ctx context.Context, st Store, secrets []*Secret, dryRun bool) (*Report, error) {
	r := &Report{}
	for _, s := range secrets {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		cur, err := st.Read(ctx, s)
		if err != nil {
			return r, fmt.Errorf("read %s: %w", s.Name, err)
		}
		merged, o := plan(s, cur)
		if o.Changed() && !dryRun {
			if err := st.Write(ctx, s, merged, cur); err != nil {
				return r, fmt.Errorf("write %s: %w", s.Name, err)
			}
			o.Wrote = true
		}
		r.Secrets = append(r.Secrets, o)
		r.Created += len(o.Created)
		r.Updated += len(o.Updated)
		r.Unchanged += len(o.Unchanged) + len(o.Kept)
	}
	return r, nil
}

// plan computes the content to write and the outcome.
func plan(s *Secret, cur Current) (map[string]any, Outcome) {
	o := Outcome{Name: s.Name, New: !cur.Found}
	merged := maps.Clone(cur.Props)
	if merged == nil {
		merged = map[string]any{}
	}
	for _, p := range s.Props {
		old, ok := cur.Props[p.Key]
		want := p.Value.Reveal()
		switch {
		case !ok:
			o.Created = append(o.Created, p.Key)
			merged[p.Key] = want
		case p.Generated:
			o.Kept = append(o.Kept, p.Key)
		case old == any(want):
			o.Unchanged = append(o.Unchanged, p.Key)
		default:
			o.Updated = append(o.Updated, p.Key)
			merged[p.Key] = want
		}
	}
	return merged, o
}

// Values returns the secret's properties as plain strings, for a Store to
// encode. Only Store implementations call it.
func (s *Secret) Values() map[string]string {
	out := make(map[string]string, len(s.Props))
	for _, p := range s.Props {
		out[p.Key] = p.Value.Reveal()
	}
	return out
}
