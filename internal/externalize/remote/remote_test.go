package remote_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/redact"
)

// memory is an in-memory Store for the merge rules; the real stores are
// tested against Vault (package vault) and the cloud SDKs' stubs.
type memory struct {
	data   map[string]map[string]any
	writes int
}

func (m *memory) Read(_ context.Context, s *remote.Secret) (remote.Current, error) {
	d, ok := m.data[s.Name]
	return remote.Current{Found: ok, Props: d}, nil
}

func (m *memory) Write(_ context.Context, s *remote.Secret, props map[string]any, _ remote.Current) error {
	m.data[s.Name] = props
	m.writes++
	return nil
}

func TestSync(t *testing.T) {
	secret := func(gen bool, kv ...string) *remote.Secret {
		s := &remote.Secret{Name: "airflow/x"}
		for i := 0; i < len(kv); i += 2 {
			s.Props = append(s.Props, remote.Prop{Key: kv[i], Value: redact.New(kv[i+1]), Generated: gen})
		}
		return s
	}
	tests := []struct {
		name    string
		stored  map[string]any
		secret  *remote.Secret
		want    map[string]any
		counts  [3]int // created, updated, unchanged
		written bool
	}{
		{"new", nil, secret(false, "a", "1"), map[string]any{"a": "1"}, [3]int{1, 0, 0}, true},
		{"same", map[string]any{"a": "1"}, secret(false, "a", "1"), map[string]any{"a": "1"}, [3]int{0, 0, 1}, false},
		{"changed, unmanaged kept", map[string]any{"a": "1", "b": 2.0}, secret(false, "a", "2"), map[string]any{"a": "2", "b": 2.0}, [3]int{0, 1, 0}, true},
		{"generated keeps the stored value", map[string]any{"a": "old"}, secret(true, "a", "new"), map[string]any{"a": "old"}, [3]int{0, 0, 1}, false},
		{"generated fills a gap", map[string]any{"b": "x"}, secret(true, "a", "new"), map[string]any{"a": "new", "b": "x"}, [3]int{1, 0, 0}, true},
		{"non-string stored value is a change", map[string]any{"a": 1.0}, secret(false, "a", "1"), map[string]any{"a": "1"}, [3]int{0, 1, 0}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &memory{data: map[string]map[string]any{}}
			if tt.stored != nil {
				m.data["airflow/x"] = tt.stored
			}
			r, err := remote.Sync(context.Background(), m, []*remote.Secret{tt.secret}, false)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.counts, [3]int{r.Created, r.Updated, r.Unchanged}); d != "" {
				t.Errorf("counts (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.want, m.data["airflow/x"]); d != "" {
				t.Errorf("stored (-want +got):\n%s", d)
			}
			if (m.writes > 0) != tt.written {
				t.Errorf("%d writes, want written=%v", m.writes, tt.written)
			}
			if dry, _ := remote.Sync(context.Background(), &memory{data: map[string]map[string]any{}}, []*remote.Secret{tt.secret}, true); dry.Secrets[0].Wrote {
				t.Error("a dry run wrote")
			}
		})
	}
}

func TestOutcomeHasNoValues(t *testing.T) {
	m := &memory{data: map[string]map[string]any{}}
	r, _ := remote.Sync(context.Background(), m, []*remote.Secret{{Name: "n", Props: []remote.Prop{{Key: "k", Value: redact.New("S3cr3t-Value")}}}}, false)
	if s := fmt.Sprintf("%+v %#v", r, r); strings.Contains(s, "S3cr3t-Value") {
		t.Error("a report prints a value")
	}
}
