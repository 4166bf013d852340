package doc_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/doc"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name, committed, generated string
		wantLine                   int // 0: up to date
		wantDiff                   string
	}{
		{name: "equal", committed: "a\nb\n", generated: "a\nb\n"},
		{name: "changed line", committed: "a\nb\nc\nd\n", generated: "a\nb\nX\nd\n", wantLine: 3,
			wantDiff: "--- f.md (committed)\n+++ f.md (generated now)\n@@ -1,3 +1,3 @@\n a\n b\n-c\n+X\n"},
		{name: "added at end", committed: "a\n", generated: "a\nb\n", wantLine: 2,
			wantDiff: "--- f.md (committed)\n+++ f.md (generated now)\n@@ -1,1 +1,2 @@\n a\n+b\n"},
		{name: "missing final newline", committed: "a\nb", generated: "a\nb\n", wantLine: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := doc.Compare("f.md", []byte(tt.committed), []byte(tt.generated))
			if tt.wantLine == 0 {
				if err != nil {
					t.Fatalf("want up to date, got %v", err)
				}
				return
			}
			var se *doc.StaleError
			if !errors.As(err, &se) {
				t.Fatalf("want a StaleError, got %v", err)
			}
			if se.Line != tt.wantLine {
				t.Errorf("line %d, want %d", se.Line, tt.wantLine)
			}
			if tt.wantDiff != "" {
				if diff := cmp.Diff(tt.wantDiff, se.Diff); diff != "" {
					t.Errorf("diff mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}
