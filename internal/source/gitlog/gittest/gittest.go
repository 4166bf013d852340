// Package gittest builds throw-away git repositories with the real git
// binary for tests: commits with fixed authors and dates (so commit ids
// are the same on every run and can appear in golden files), branches,
// merges, renames, shallow clones and deliberately broken object stores.
package gittest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Epoch is the author date of a repository's first commit; each further
// commit is one hour later.
var epoch = time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC)

// Repo is a repository under a test's temporary directory.
type Repo struct {
	t       testing.TB
	Dir     string
	commits int
}

// Env isolates git from the machine's configuration so tests behave the
// same everywhere.
func Env() []string {
	return append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "LC_ALL=C",
		"GIT_AUTHOR_NAME=Ada Lovelace", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Lovelace", "GIT_COMMITTER_EMAIL=ada@example.com")
}

// requireGit skips the test when git is not installed, or fails it when
// AIRLOCK_REQUIRE_GIT=1 (CI installs git, so there a skip would hide a
// missing install step).
func requireGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("AIRLOCK_REQUIRE_GIT") == "1" {
			t.Fatal("git not installed (AIRLOCK_REQUIRE_GIT=1)")
		}
		t.Skip("git not installed")
	}
}

// New creates an empty repository whose first branch is main.
func New(t testing.TB) *Repo {
	t.Helper()
	requireGit(t)
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Git("init", "-q", "-b", "main")
	return r
}

// Git runs git in the repository and returns its standard output; any
// failure fails the test.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// TryGit runs git and returns its output and error.
func (r *Repo) TryGit(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	when := epoch.Add(time.Duration(r.commits) * time.Hour).Format(time.RFC3339)
	cmd.Env = append(Env(), "GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// Write creates or replaces files (paths use "/"), creating directories.
func (r *Repo) Write(files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		r.WriteBytes(p, []byte(content))
	}
}

// WriteBytes writes one file with arbitrary bytes (binary content, or a
// name that is not UTF-8).
func (r *Repo) WriteBytes(path string, data []byte) {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit writes files, stages everything in the work tree (including
// deletions) and commits; it returns the new commit id.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	r.Write(files)
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "--no-verify", "-m", msg)
	r.commits++
	return r.Head()
}

// Remove deletes files from the work tree (the next Commit records it).
func (r *Repo) Remove(paths ...string) {
	r.t.Helper()
	for _, p := range paths {
		if err := os.Remove(filepath.Join(r.Dir, filepath.FromSlash(p))); err != nil {
			r.t.Fatal(err)
		}
	}
}

// Head returns the id of HEAD.
func (r *Repo) Head() string {
	r.t.Helper()
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// Merge merges branch into the current branch with a merge commit. When
// the merge conflicts, resolve (path → content) settles it.
func (r *Repo) Merge(branch, msg string, resolve map[string]string) string {
	r.t.Helper()
	if _, err := r.TryGit("merge", "-q", "--no-ff", "--no-edit", "-m", msg, branch); err != nil {
		if resolve == nil {
			r.t.Fatal(err)
		}
		r.Write(resolve)
		r.Git("add", "-A")
		r.Git("commit", "-q", "--no-verify", "-m", msg)
	}
	r.commits++
	return r.Head()
}

// ShallowClone clones the repository with --depth into a new directory
// and returns the clone.
func (r *Repo) ShallowClone(depth int) *Repo {
	r.t.Helper()
	c := &Repo{t: r.t, Dir: r.t.TempDir(), commits: r.commits}
	src := "file://" + filepath.ToSlash(r.Dir)
	r.Git("clone", "-q", "--no-local", fmt.Sprintf("--depth=%d", depth), src, c.Dir)
	return c
}

// ObjectPath returns the file of a loose object, so a test can corrupt or
// delete it.
func (r *Repo) ObjectPath(id string) string {
	return filepath.Join(r.Dir, ".git", "objects", id[:2], id[2:])
}

// Move renames a tracked file with git mv, creating the target directory.
func (r *Repo) Move(from, to string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(r.Dir, filepath.FromSlash(to))), 0o755); err != nil {
		r.t.Fatal(err)
	}
	r.Git("mv", from, to)
}

// PartialClone clones the repository with --filter=blob:none (no file
// content until it is asked for) into a new directory.
func (r *Repo) PartialClone() *Repo {
	r.t.Helper()
	r.Git("config", "uploadpack.allowFilter", "true")
	c := &Repo{t: r.t, Dir: r.t.TempDir(), commits: r.commits}
	r.Git("clone", "-q", "--no-local", "--filter=blob:none", "--no-checkout", "file://"+filepath.ToSlash(r.Dir), c.Dir)
	return c
}
