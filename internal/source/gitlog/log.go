package gitlog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// Commit is one commit with the changes it made. For a merge, Changes
// holds only paths whose content differs from every parent: content a
// merge did not take from one of its parents (a conflict resolution).
type Commit struct {
	ID      string
	Parents []string
	Author  string
	Email   string
	Time    time.Time
	Subject string
	Changes []Change
}

// LogOptions select the commits of a history walk.
type LogOptions struct {
	// Revs are git revision arguments: "HEAD", "main", "--all", "^v1.0".
	Revs []string
	// Paths limit the walk to these pathspecs (relative to Repo.Dir).
	Paths []string
	// NewestFirst walks children before parents. git has to read the whole
	// history before it can print the oldest commit first, so a caller that
	// can reorder commits itself gets them sooner this way.
	NewestFirst bool
}

// logFormat puts a record separator before each commit so the parser can
// check it is where it expects a commit; fields are NUL-terminated.
const logFormat = "%x1e%H%x00%P%x00%aI%x00%an%x00%ae%x00%s%x00"

const headerFields = 6

// Log walks the history in topological order, oldest first (parents
// before children) unless o.NewestFirst, and calls fn for each commit.
func (r *Repo) Log(ctx context.Context, o LogOptions, fn func(*Commit) error) error {
	args := []string{"log", "--topo-order", "--full-history", "-M", "-c", "--raw", "--no-abbrev",
		"-z", "--no-color", "--no-show-signature", "--no-ext-diff", "--no-textconv", "--format=" + logFormat}
	for _, rev := range o.Revs {
		if rev == "" || strings.HasPrefix(rev, "-") && rev != "--all" {
			return fmt.Errorf("%w: %s: %q is not a revision", ErrRepository, r.Name, rev)
		}
	}
	if !o.NewestFirst {
		args = append(args, "--reverse")
	}
	args = append(args, o.Revs...)
	args = append(args, "--")
	args = append(args, o.Paths...)
	return r.stream(ctx, args, nil, func(out io.Reader) error { return ParseLog(out, fn) })
}

// stream runs a git command and hands its output to read; when write is
// not nil it feeds git's standard input from its own goroutine, so neither
// pipe can fill up and block the other. git's own failure (exit status
// and stderr) takes precedence over a parse error it caused.
func (r *Repo) stream(parent context.Context, args []string, write func(io.Writer) error, read func(io.Reader) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	cmd := r.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var stdin io.WriteCloser
	var err error
	if write != nil {
		if stdin, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start git: %w", r.Name, err)
	}
	wrote := make(chan error, 1)
	if write != nil {
		go func() {
			err := write(stdin)
			wrote <- errors.Join(err, stdin.Close())
		}()
	} else {
		wrote <- nil
	}
	readErr := read(out)
	if readErr != nil {
		cancel() // stop git; its output is no longer wanted
	}
	_, _ = io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	<-wrote // a failed write shows up as a read or wait error
	if parent.Err() != nil {
		return parent.Err()
	}
	// A git that failed by itself (not killed by us) explains a parse
	// error better than the parser can: truncated output, corrupt object.
	var exit *exec.ExitError
	if waitErr != nil && (readErr == nil || errors.As(waitErr, &exit) && exit.ExitCode() > 0) {
		return r.fail(parent, args, waitErr, stderr.Bytes())
	}
	return readErr
}

// ParseLog reads the output of `git log -z --raw` with Log's format. It
// is exported so it can be fuzzed and tested without git.
func ParseLog(in io.Reader, fn func(*Commit) error) error {
	br := bufio.NewReaderSize(in, 64<<10)
	var pending string
	havePending := false
	next := func() (string, bool) {
		if havePending {
			havePending = false
			return pending, true
		}
		b, err := br.ReadBytes(0)
		if len(b) == 0 && err != nil {
			return "", false
		}
		return string(bytes.TrimSuffix(b, []byte{0})), true
	}
	t := tokens{next: next}
	var cur *Commit
	for {
		tok, ok := next()
		if !ok {
			break
		}
		// Between a header and its entries git writes "\n"; between
		// commits, empty fields.
		tok = strings.TrimLeft(tok, "\n")
		switch {
		case tok == "":
			continue
		case tok[0] == 0x1e:
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			c, err := parseHeader(tok[1:], t)
			if err != nil {
				return err
			}
			cur = c
		case tok[0] == ':' && cur != nil:
			ch, err := parseRaw(tok, t)
			if err != nil {
				return fmt.Errorf("commit %s: %w", cur.ID, err)
			}
			cur.Changes = append(cur.Changes, ch)
		default:
			return fmt.Errorf("git log output: unexpected field %q", clip(tok))
		}
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

func parseHeader(id string, t tokens) (*Commit, error) {
	if !isObjectID(id) {
		return nil, fmt.Errorf("git log output: bad commit id %q", clip(id))
	}
	var f [headerFields - 1]string
	for i := range f {
		v, ok := t.next()
		if !ok {
			return nil, fmt.Errorf("commit %s: truncated header", id)
		}
		f[i] = v
	}
	c := &Commit{ID: id, Parents: strings.Fields(f[0]), Author: f[2], Email: f[3], Subject: f[4]}
	for _, p := range c.Parents {
		if !isObjectID(p) {
			return nil, fmt.Errorf("commit %s: bad parent id %q", id, clip(p))
		}
	}
	tm, err := time.Parse(time.RFC3339, f[1])
	if err != nil {
		return nil, fmt.Errorf("commit %s: bad author date %q", id, clip(f[1]))
	}
	c.Time = tm
	return c, nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
