package gitlog

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TreeEntry is a file of a tree.
type TreeEntry struct {
	Path string
	Blob string
	Mode uint32
}

// Tree lists the files of a revision's tree (recursively), optionally
// limited to pathspecs.
func (r *Repo) Tree(ctx context.Context, rev string, paths []string) ([]TreeEntry, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("%w: %s: %q is not a revision", ErrRepository, r.Name, rev)
	}
	args := append([]string{"ls-tree", "-r", "-z", "--full-tree", rev, "--"}, paths...)
	var out []TreeEntry
	err := r.stream(ctx, args, nil, func(in io.Reader) error {
		var err error
		out, err = ParseTree(in)
		return err
	})
	return out, err
}

// ParseTree reads `git ls-tree -r -z` output: "<mode> <type> <id>\t<path>\0".
// Submodules (commits) are left out.
func ParseTree(in io.Reader) ([]TreeEntry, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	var out []TreeEntry
	for {
		rec, err := br.ReadBytes(0)
		if len(rec) == 0 && err == io.EOF {
			return out, nil
		}
		rec = bytes.TrimSuffix(rec, []byte{0})
		meta, path, ok := bytes.Cut(rec, []byte{'\t'})
		f := strings.Fields(string(meta))
		if !ok || len(f) != 3 || len(path) == 0 {
			return nil, fmt.Errorf("git ls-tree output: unexpected record %q", clip(string(rec)))
		}
		mode, perr := strconv.ParseUint(f[0], 8, 32)
		if perr != nil || !isObjectID(f[2]) {
			return nil, fmt.Errorf("git ls-tree output: unexpected record %q", clip(string(rec)))
		}
		if f[1] == "blob" {
			out = append(out, TreeEntry{Path: string(path), Blob: f[2], Mode: uint32(mode)})
		}
		if err == io.EOF {
			return out, nil
		}
	}
}

// Regular reports a regular file (not a symlink).
func (e TreeEntry) Regular() bool { return e.Mode&0o170000 == 0o100000 }

// Staged lists the files added, copied, modified, renamed or retyped in
// the index relative to HEAD (or to nothing before the first commit),
// each with the staged blob. Renames are reported as additions so that
// every staged path is listed under its new name.
func (r *Repo) Staged(ctx context.Context, paths []string) ([]Change, error) {
	args := append([]string{"diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-color",
		"--no-ext-diff", "--diff-filter=ACMRT", "--"}, paths...)
	var out []Change
	err := r.stream(ctx, args, nil, func(in io.Reader) error {
		var err error
		out, err = ParseRaw(in)
		return err
	})
	return out, err
}

// ParseRaw reads the entries of `git diff --raw -z`.
func ParseRaw(in io.Reader) ([]Change, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	next := func() (string, bool) {
		b, err := br.ReadBytes(0)
		if len(b) == 0 && err != nil {
			return "", false
		}
		return string(bytes.TrimSuffix(b, []byte{0})), true
	}
	var out []Change
	for {
		tok, ok := next()
		if !ok {
			return out, nil
		}
		tok = strings.TrimLeft(tok, "\n")
		if tok == "" {
			continue
		}
		if tok[0] != ':' {
			return nil, fmt.Errorf("git diff output: unexpected field %q", clip(tok))
		}
		c, err := parseRaw(tok, tokens{next: next})
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}
