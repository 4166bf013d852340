package gitlog_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/airlockhq/airlock/internal/source/gitlog"
)

const (
	idA = "1111111111111111111111111111111111111111"
	idB = "2222222222222222222222222222222222222222"
	idC = "3333333333333333333333333333333333333333"
	b1  = "a8926a52d8dcba5c4386945476ab6a2ad008afd4"
	b2  = "f6f4a0223f7e6d6eabf206371a4a94db1512e114"
	b3  = "9134f03cfbb3f0943775e1933789ee2b81c9392e"
	z   = "0000000000000000000000000000000000000000"
)

// header renders a commit header exactly as Log's format asks git to.
func header(id, parents, date, subject string) string {
	return "\x1e" + id + "\x00" + parents + "\x00" + date + "\x00Ada Lovelace\x00ada@example.com\x00" + subject + "\x00"
}

func collect(t *testing.T, in string) ([]*gitlog.Commit, error) {
	t.Helper()
	var out []*gitlog.Commit
	err := gitlog.ParseLog(strings.NewReader(in), func(c *gitlog.Commit) error {
		out = append(out, c)
		return nil
	})
	return out, err
}

func TestParseLog(t *testing.T) {
	when := time.Date(2024, 1, 15, 9, 0, 0, 0, time.FixedZone("", 3600))
	blob2 := b3
	tests := []struct {
		name string
		in   string
		want []*gitlog.Commit
	}{
		{
			name: "root commit, rename, merge with a combined entry, empty commit",
			in: header(idA, "", "2024-01-15T09:00:00+01:00", "add values") + "\x00\n" +
				":000000 100644 " + z + " " + b1 + " A\x00values.yaml\x00" +
				header(idB, idA, "2024-01-15T09:00:00+01:00", "move") + "\x00\n" +
				":100644 100644 " + b1 + " " + b1 + " R100\x00values.yaml\x00deploy/values.yaml\x00" +
				":100644 000000 " + b2 + " " + z + " D\x00old.yaml\x00" +
				header(idC, idA+" "+idB, "2024-01-15T09:00:00+01:00", "merge") + "\x00\x00" +
				"::100644 100644 100644 " + b1 + " " + b2 + " " + blob2 + " MM\x00x.yaml\x00" +
				header(idA, idC, "2024-01-15T09:00:00+01:00", "empty") + "\x00",
			want: []*gitlog.Commit{
				{ID: idA, Author: "Ada Lovelace", Email: "ada@example.com", Time: when, Subject: "add values",
					Changes: []gitlog.Change{{Status: 'A', Path: "values.yaml", Blob: b1, Mode: 0o100644}}},
				{ID: idB, Parents: []string{idA}, Author: "Ada Lovelace", Email: "ada@example.com", Time: when, Subject: "move",
					Changes: []gitlog.Change{
						{Status: 'R', Path: "deploy/values.yaml", OldPath: "values.yaml", Blob: b1, Mode: 0o100644},
						{Status: 'D', Path: "old.yaml", Mode: 0},
					}},
				{ID: idC, Parents: []string{idA, idB}, Author: "Ada Lovelace", Email: "ada@example.com", Time: when, Subject: "merge",
					Changes: []gitlog.Change{{Status: 'M', Path: "x.yaml", Blob: blob2, Mode: 0o100644}}},
				{ID: idA, Parents: []string{idC}, Author: "Ada Lovelace", Email: "ada@example.com", Time: when, Subject: "empty"},
			},
		},
		{
			name: "paths are bytes: not UTF-8, newlines, tabs, a leading colon",
			in: header(idA, "", "2024-01-15T09:00:00+01:00", "odd names") + "\x00\n" +
				":000000 100644 " + z + " " + b1 + " A\x00caf\xe9/values.yaml\x00" +
				":000000 100644 " + z + " " + b1 + " A\x00a\nb\tc.yaml\x00" +
				":000000 100644 " + z + " " + b1 + " A\x00:x.yaml\x00",
			want: []*gitlog.Commit{{ID: idA, Author: "Ada Lovelace", Email: "ada@example.com", Time: when, Subject: "odd names",
				Changes: []gitlog.Change{
					{Status: 'A', Path: "caf\xe9/values.yaml", Blob: b1, Mode: 0o100644},
					{Status: 'A', Path: "a\nb\tc.yaml", Blob: b1, Mode: 0o100644},
					{Status: 'A', Path: ":x.yaml", Blob: b1, Mode: 0o100644},
				}}},
		},
		{name: "no output", in: "", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(t, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("ParseLog (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseLogRejectsGarbage(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "not a commit", in: "hello\x00", wantErr: "unexpected field"},
		{name: "bad commit id", in: "\x1exyz\x00", wantErr: "bad commit id"},
		{name: "truncated header", in: "\x1e" + idA + "\x00\x00", wantErr: "truncated header"},
		{name: "bad date", in: header(idA, "", "yesterday", "s"), wantErr: "bad author date"},
		{name: "bad parent", in: header(idA, "nope", "2024-01-15T09:00:00Z", "s"), wantErr: "bad parent id"},
		{name: "raw entry without path", in: header(idA, "", "2024-01-15T09:00:00Z", "s") + ":000000 100644 " + z + " " + b1 + " A\x00", wantErr: "missing path"},
		{name: "raw entry with too few fields", in: header(idA, "", "2024-01-15T09:00:00Z", "s") + ":000000 " + b1 + " A\x00p\x00", wantErr: "fields"},
		{name: "rename without destination", in: header(idA, "", "2024-01-15T09:00:00Z", "s") + ":100644 100644 " + b1 + " " + b1 + " R100\x00a\x00", wantErr: "missing destination"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := collect(t, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseLogStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	in := header(idA, "", "2024-01-15T09:00:00Z", "one") + header(idB, idA, "2024-01-15T09:00:00Z", "two")
	calls := 0
	err := gitlog.ParseLog(strings.NewReader(in), func(*gitlog.Commit) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err = %v after %d calls, want stop after 1", err, calls)
	}
}

func TestParseTree(t *testing.T) {
	in := "100644 blob " + b1 + "\tvalues.yaml\x00" +
		"120000 blob " + b2 + "\tlink.yaml\x00" +
		"160000 commit " + idA + "\tvendor/sub\x00" +
		"100755 blob " + b2 + "\tcaf\xe9 dir/x.yaml\x00"
	got, err := gitlog.ParseTree(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []gitlog.TreeEntry{
		{Path: "values.yaml", Blob: b1, Mode: 0o100644},
		{Path: "link.yaml", Blob: b2, Mode: 0o120000},
		{Path: "caf\xe9 dir/x.yaml", Blob: b2, Mode: 0o100755},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseTree (-want +got):\n%s", d)
	}
	if got[1].Regular() || !got[2].Regular() {
		t.Errorf("Regular: symlink %v, executable %v", got[1].Regular(), got[2].Regular())
	}
	if _, err := gitlog.ParseTree(strings.NewReader("garbage\x00")); err == nil {
		t.Error("ParseTree accepted garbage")
	}
}

func TestStripUserinfo(t *testing.T) {
	tests := []struct{ in, want string }{
		{in: "https://x-access-token:ghp_secret@github.com/o/r.git", want: "https://github.com/o/r.git"},
		{in: "https://github.com/o/r.git", want: "https://github.com/o/r.git"},
		{in: "git@github.com:o/r.git", want: "git@github.com:o/r.git"},
		{in: "ssh://git@host:22/o/r", want: "ssh://host:22/o/r"},
	}
	for _, tc := range tests {
		if got := gitlog.StripUserinfo(tc.in); got != tc.want {
			t.Errorf("StripUserinfo(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzParseLog feeds arbitrary bytes: the parser must return commits or an
// error, never panic, and every change it returns must have a path.
func FuzzParseLog(f *testing.F) {
	f.Add([]byte(header(idA, "", "2024-01-15T09:00:00+01:00", "s") + "\x00\n:000000 100644 " + z + " " + b1 + " A\x00values.yaml\x00"))
	f.Add([]byte(header(idC, idA+" "+idB, "2024-01-15T09:00:00Z", "m") + "\x00\x00::100644 100644 100644 " + b1 + " " + b2 + " " + b1 + " MM\x00x\x00"))
	f.Add([]byte(header(idB, idA, "2024-01-15T09:00:00Z", "r") + ":100644 100644 " + b1 + " " + b1 + " R100\x00a\x00b\x00"))
	f.Add([]byte("\x1e\x00::::\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = gitlog.ParseLog(bytes.NewReader(data), func(c *gitlog.Commit) error {
			for _, ch := range c.Changes {
				if ch.Path == "" || ch.Status == 0 || ch.Blob != "" && len(ch.Blob) != 40 && len(ch.Blob) != 64 {
					t.Fatalf("malformed change accepted: %+v", ch)
				}
			}
			return nil
		})
		changes, _ := gitlog.ParseRaw(bytes.NewReader(data))
		for _, ch := range changes {
			if ch.Path == "" || ch.Status == 0 {
				t.Fatalf("malformed change accepted: %+v", ch)
			}
		}
		entries, _ := gitlog.ParseTree(bytes.NewReader(data))
		for _, e := range entries {
			if e.Path == "" || len(e.Blob) != 40 && len(e.Blob) != 64 {
				t.Fatalf("malformed tree entry accepted: %+v", e)
			}
		}
	})
}
