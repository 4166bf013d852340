package gitlog_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/source/gitlog"
	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
)

// summary renders a commit as "subject: A path, R old->new" so tests can
// compare histories readably.
func summary(c *gitlog.Commit) string {
	var parts []string
	for _, ch := range c.Changes {
		p := ch.Path
		if ch.OldPath != "" {
			p = ch.OldPath + "->" + ch.Path
		}
		parts = append(parts, fmt.Sprintf("%c %s", ch.Status, p))
	}
	return fmt.Sprintf("%s (%d parents): %s", c.Subject, len(c.Parents), strings.Join(parts, ", "))
}

func open(t *testing.T, dir string) *gitlog.Repo {
	t.Helper()
	r, err := gitlog.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLogWalksRealHistory(t *testing.T) {
	g := gittest.New(t)
	g.Commit("add values", map[string]string{"values.yaml": "a: 1\n", "README.md": "hi\n"})
	g.Git("mv", "values.yaml", "values-prod.yaml")
	g.Commit("rename", nil)
	g.Git("checkout", "-q", "-b", "feature")
	g.Commit("feature edit", map[string]string{"values-prod.yaml": "a: 1\nb: 2\n"})
	g.Git("checkout", "-q", "main")
	g.Commit("main edit", map[string]string{"values-prod.yaml": "a: 3\n"})
	g.Merge("feature", "merge feature", map[string]string{"values-prod.yaml": "a: 3\nb: 2\n"})
	g.WriteBytes("caf\xe9/values.yaml", []byte("c: 1\n"))
	g.WriteBytes("logo.png", []byte{0x89, 'P', 'N', 'G', 0, 0, 1})
	g.Commit("odd files", nil)
	g.Remove("README.md")
	g.Commit("remove readme", nil)

	var got []string
	var merge *gitlog.Commit
	err := open(t, g.Dir).Log(context.Background(), gitlog.LogOptions{Revs: []string{"HEAD"}}, func(c *gitlog.Commit) error {
		got = append(got, summary(c))
		if len(c.Parents) == 2 {
			merge = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"add values (0 parents): A README.md, A values.yaml",
		"rename (1 parents): R values.yaml->values-prod.yaml",
		// Topological order puts a branch's commits together; which side
		// comes first is git's choice, so both are accepted below.
		"", "",
		"merge feature (2 parents): M values-prod.yaml",
		"odd files (1 parents): A caf\xe9/values.yaml, A logo.png",
		"remove readme (1 parents): D README.md",
	}
	if len(got) == len(want) {
		want[2], want[3] = got[2], got[3]
		if !(strings.HasPrefix(got[2], "feature edit") && strings.HasPrefix(got[3], "main edit") ||
			strings.HasPrefix(got[2], "main edit") && strings.HasPrefix(got[3], "feature edit")) {
			t.Errorf("commits 3 and 4 = %q, %q; want the two branch edits", got[2], got[3])
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Log (-want +got):\n%s", d)
	}
	// The merge's entry is the resolved content, which neither parent had.
	if merge == nil || merge.Changes[0].Blob != strings.TrimSpace(g.Git("rev-parse", "HEAD~2:values-prod.yaml")) {
		t.Errorf("merge entry does not carry the resolved blob: %+v", merge)
	}
}

func TestReadBlobs(t *testing.T) {
	g := gittest.New(t)
	big := strings.Repeat("k: v\n", 1000)
	g.Commit("files", map[string]string{"a.yaml": "a: 1\n", "big.yaml": big, "empty.yaml": ""})
	ids := map[string]string{}
	for _, p := range []string{"a.yaml", "big.yaml", "empty.yaml"} {
		ids[p] = strings.TrimSpace(g.Git("rev-parse", "HEAD:"+p))
	}
	var got []string
	err := open(t, g.Dir).ReadBlobs(context.Background(), []string{ids["a.yaml"], ids["big.yaml"], ids["empty.yaml"], ids["a.yaml"]}, 1000,
		func(b gitlog.Blob) error {
			got = append(got, fmt.Sprintf("%d %q large=%v", b.Size, b.Data, b.TooLarge))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`5 "a: 1\n" large=false`, fmt.Sprintf(`%d "" large=true`, len(big)), `0 "" large=false`, `5 "a: 1\n" large=false`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadBlobs (-want +got):\n%s", d)
	}
}

func TestRepositoryErrors(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Commit("one", map[string]string{"values.yaml": "password: hunter2-hunter2\n"})
	blob := strings.TrimSpace(g.Git("rev-parse", "HEAD:values.yaml"))

	t.Run("not a repository", func(t *testing.T) {
		_, err := gitlog.Open(ctx, t.TempDir())
		if !errors.Is(err, gitlog.ErrRepository) || !strings.Contains(err.Error(), "not a git repository") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("no such directory", func(t *testing.T) {
		_, err := gitlog.Open(ctx, filepath.Join(t.TempDir(), "nope"))
		if !errors.Is(err, gitlog.ErrRepository) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unknown revision", func(t *testing.T) {
		_, err := open(t, g.Dir).Resolve(ctx, "no-such-branch")
		if !errors.Is(err, gitlog.ErrRepository) || !strings.Contains(err.Error(), `"no-such-branch"`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("option injected as revision", func(t *testing.T) {
		err := open(t, g.Dir).Log(ctx, gitlog.LogOptions{Revs: []string{"--output=/tmp/x"}}, func(*gitlog.Commit) error { return nil })
		if !errors.Is(err, gitlog.ErrRepository) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing object", func(t *testing.T) {
		if err := os.Remove(g.ObjectPath(blob)); err != nil {
			t.Fatal(err)
		}
		err := open(t, g.Dir).ReadBlobs(ctx, []string{blob}, 0, func(gitlog.Blob) error { return nil })
		if !errors.Is(err, gitlog.ErrRepository) || !errors.Is(err, gitlog.ErrMissingObject) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestCorruptObjectIsAnError(t *testing.T) {
	g := gittest.New(t)
	g.Commit("one", map[string]string{"values.yaml": "a: 1\n"})
	tree := strings.TrimSpace(g.Git("rev-parse", "HEAD^{tree}"))
	p := g.ObjectPath(tree)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("this is not a zlib stream"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := open(t, g.Dir).Log(context.Background(), gitlog.LogOptions{Revs: []string{"HEAD"}}, func(*gitlog.Commit) error { return nil })
	if !errors.Is(err, gitlog.ErrRepository) || !strings.Contains(err.Error(), g.Dir) {
		t.Fatalf("err = %v, want a repository error naming %s", err, g.Dir)
	}
}

func TestShallowClone(t *testing.T) {
	g := gittest.New(t)
	for i := range 3 {
		g.Commit(fmt.Sprintf("c%d", i), map[string]string{"values.yaml": fmt.Sprintf("n: %d\n", i)})
	}
	c := g.ShallowClone(1)
	r := open(t, c.Dir)
	if !r.Shallow {
		t.Fatal("shallow clone not detected")
	}
	b, err := r.ShallowBoundary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]bool{c.Head(): true}, b); d != "" {
		t.Errorf("boundary (-want +got):\n%s", d)
	}
	if open(t, g.Dir).Shallow {
		t.Error("full repository reported shallow")
	}
}

func TestStaged(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write(map[string]string{"values.yaml": "a: 1\n"})
	g.Git("add", "values.yaml")
	r := open(t, g.Dir)
	if r.HasCommits(ctx) {
		t.Fatal("HasCommits before the first commit")
	}
	changes, err := r.Staged(ctx, nil)
	if err != nil {
		t.Fatalf("staged before the first commit: %v", err)
	}
	if len(changes) != 1 || changes[0].Path != "values.yaml" || changes[0].Status != 'A' {
		t.Fatalf("changes = %+v", changes)
	}
	g.Commit("one", map[string]string{"other.yaml": "b: 1\n"})
	g.Git("mv", "values.yaml", "values-prod.yaml")
	g.Write(map[string]string{"other.yaml": "b: 2\n", "unstaged.yaml": "c: 1\n"})
	g.Git("add", "other.yaml")
	changes, err = r.Staged(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, fmt.Sprintf("%c %s", c.Status, c.Path))
	}
	if d := cmp.Diff([]string{"M other.yaml", "A values-prod.yaml"}, got); d != "" {
		t.Errorf("Staged (-want +got):\n%s", d)
	}
}
