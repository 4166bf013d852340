package gitlog

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Mode bits of tree entries that are not regular files.
const (
	ModeSymlink   = 0o120000
	ModeSubmodule = 0o160000
)

// Change is one path a commit (or the index) changed, as `git --raw`
// reports it.
type Change struct {
	// Status is git's status letter: A, M, R, C, T or D; for a merge it is
	// the last letter of the combined status.
	Status byte
	Path   string
	// OldPath is the source of a rename or copy.
	OldPath string
	// Blob is the id of the new content, "" when the path was deleted.
	Blob string
	Mode uint32
}

// Regular reports a regular file with content (not a symlink, a
// submodule or a deletion).
func (c Change) Regular() bool {
	return c.Blob != "" && c.Mode&0o170000 == 0o100000
}

// tokens walks NUL-terminated fields.
type tokens struct {
	next func() (string, bool)
}

// parseRaw reads one raw entry whose meta field ("::100644 ... MM" or
// ":100644 100644 a b R100") is meta, taking its paths from t.
func parseRaw(meta string, t tokens) (Change, error) {
	colons := len(meta) - len(strings.TrimLeft(meta, ":"))
	f := strings.Fields(meta[colons:])
	if colons == 0 {
		return Change{}, fmt.Errorf("raw entry %q: no leading colon", meta)
	}
	// n parents: n+1 modes, n+1 ids and a status (n letters for merges).
	want := 2*(colons+1) + 1
	if len(f) != want {
		return Change{}, fmt.Errorf("raw entry %q: %d fields, want %d", meta, len(f), want)
	}
	mode, err := strconv.ParseUint(f[colons], 8, 32)
	if err != nil {
		return Change{}, fmt.Errorf("raw entry %q: bad mode: %w", meta, err)
	}
	blob := f[2*colons+1]
	if !isObjectID(blob) {
		return Change{}, fmt.Errorf("raw entry %q: bad object id %q", meta, blob)
	}
	status := f[len(f)-1]
	if status == "" || (colons > 1 && len(status) != colons) {
		return Change{}, fmt.Errorf("raw entry %q: bad status %q", meta, status)
	}
	c := Change{Status: status[len(status)-1], Mode: uint32(mode), Blob: blob}
	if colons == 1 {
		c.Status = status[0]
	}
	if strings.Trim(blob, "0") == "" {
		c.Blob = ""
	}
	p, ok := t.next()
	if !ok || p == "" {
		return Change{}, fmt.Errorf("raw entry %q: missing path", meta)
	}
	c.Path = p
	if colons == 1 && (c.Status == 'R' || c.Status == 'C') {
		if c.Path, ok = t.next(); !ok || c.Path == "" {
			return Change{}, fmt.Errorf("raw entry %q: missing destination path", meta)
		}
		c.OldPath = p
	}
	return c, nil
}

func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// StripUserinfo removes credentials from a remote URL: a token in
// https://user:token@host/ must never reach a report.
func StripUserinfo(raw string) string {
	if !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}
