package gitlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrRepository is wrapped by errors caused by the repository or the
// revisions asked for, as opposed to a missing git binary or a crash.
var ErrRepository = errors.New("git repository error")

// ErrNoGit is returned when no git binary can be found.
var ErrNoGit = errors.New("git not found in PATH")

// Repo is a git repository opened for reading.
type Repo struct {
	// Dir is the directory git runs in: the work tree root, or the git
	// directory of a bare repository.
	Dir string
	// Name is how errors and reports name the repository: its full path
	// once opened.
	Name    string
	Bare    bool
	Shallow bool
	// Partial is set for a partial clone (git clone --filter): file
	// versions may be missing locally and fetched from its remote.
	Partial bool
	git     string
}

// Open checks that dir is inside a git repository and records its shape.
func Open(ctx context.Context, dir string) (*Repo, error) {
	git, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoGit, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", ErrRepository, dir)
	}
	r := &Repo{Dir: abs, Name: dir, git: git}
	out, err := r.output(ctx, "rev-parse", "--is-bare-repository", "--is-shallow-repository")
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(string(out))
	if len(fields) != 2 {
		return nil, fmt.Errorf("%w: %s: unexpected rev-parse output %q", ErrRepository, dir, out)
	}
	r.Bare, r.Shallow = fields[0] == "true", fields[1] == "true"
	if !r.Bare {
		top, err := r.output(ctx, "rev-parse", "--show-toplevel")
		if err != nil {
			return nil, err
		}
		r.Dir = strings.TrimRight(string(top), "\n")
	}
	// Errors from here on name the repository by its full path, which
	// says more than the "." a user typically gives.
	r.Name = r.Dir
	r.Partial = r.partial(ctx)
	return r, nil
}

// partial reports a partial clone: one with a promisor remote (git
// writes remote.NAME.promisor, and extensions.partialClone in newer
// versions).
func (r *Repo) partial(ctx context.Context) bool {
	if out, err := r.output(ctx, "config", "--get", "extensions.partialclone"); err == nil && len(bytes.TrimSpace(out)) > 0 {
		return true
	}
	out, err := r.output(ctx, "config", "--bool", "--get-regexp", `^remote\..*\.promisor$`)
	return err == nil && bytes.Contains(out, []byte(" true"))
}

// command prepares a git command that reads the repository and never
// prompts, pages, colours, takes optional locks or fetches.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, r.git, args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(),
		"LC_ALL=C", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "GIT_PAGER=cat", "PAGER=cat",
		// A partial clone would otherwise fetch missing blobs from its
		// remote in the middle of a scan.
		"GIT_NO_LAZY_FETCH=1",
	)
	return cmd
}

// output runs a short git command and returns its standard output.
func (r *Repo) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := r.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, r.fail(ctx, args, err, stderr.Bytes())
	}
	return out, nil
}

// fail turns a git failure into an error naming the repository and the
// command, with git's own first line of complaint.
func (r *Repo) fail(ctx context.Context, args []string, err error, stderr []byte) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := firstLine(stderr)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 {
		// git exits 128 for fatal repository problems and 1 for a few
		// plumbing "not found" answers: both are about the input.
		if msg == "" {
			msg = exit.Error()
		}
		if r.Partial {
			msg += " (a partial clone: objects it lacks are not fetched during a scan: clone the repository again without --filter)"
		}
		return fmt.Errorf("%w: %s: git %s: %s", ErrRepository, r.Name, args[0], msg)
	}
	if msg != "" {
		return fmt.Errorf("%s: git %s: %w (%s)", r.Name, args[0], err, msg)
	}
	return fmt.Errorf("%s: git %s: %w", r.Name, args[0], err)
}

func firstLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// The "fatal:"/"error:" line says what broke; "hint:" and "warning:"
	// lines around it only advise.
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "fatal: ") || strings.HasPrefix(l, "error: ") {
			return strings.TrimPrefix(strings.TrimPrefix(l, "fatal: "), "error: ")
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "hint:") {
			return l
		}
	}
	return ""
}

// Resolve returns the commit id a revision names.
func (r *Repo) Resolve(ctx context.Context, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("%w: %s: %q is not a revision", ErrRepository, r.Name, rev)
	}
	out, err := r.output(ctx, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("%w: %s: unknown revision %q", ErrRepository, r.Name, rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// HasCommits reports whether HEAD points at a commit (false in a new
// repository before its first commit).
func (r *Repo) HasCommits(ctx context.Context) bool {
	_, err := r.output(ctx, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	return err == nil
}

// ShallowBoundary returns the commits whose parents a shallow clone lacks.
func (r *Repo) ShallowBoundary(ctx context.Context) (map[string]bool, error) {
	if !r.Shallow {
		return nil, nil
	}
	out, err := r.output(ctx, "rev-parse", "--git-path", "shallow")
	if err != nil {
		return nil, err
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.Dir, p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: read shallow boundary: %w", r.Name, err)
	}
	b := map[string]bool{}
	for _, id := range strings.Fields(string(data)) {
		b[id] = true
	}
	return b, nil
}

// RemoteURL returns the URL of the "origin" remote without any user
// name, password or token, or "" when there is none.
func (r *Repo) RemoteURL(ctx context.Context) string {
	out, err := r.output(ctx, "config", "--get", "remote.origin.url")
	if err != nil {
		return ""
	}
	return StripUserinfo(strings.TrimSpace(string(out)))
}

// CurrentBranch returns the full ref HEAD points at, or "" when detached.
func (r *Repo) CurrentBranch(ctx context.Context) string {
	out, err := r.output(ctx, "symbolic-ref", "--quiet", "HEAD")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
