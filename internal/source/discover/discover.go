// Package discover finds the files `airlock scan PATH...` should read:
// Helm values files and Kubernetes manifests, by name and by content,
// walking directories while honouring .gitignore files.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	ignore "github.com/sabhiram/go-gitignore"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Kind is what a discovered file holds.
type Kind uint8

// Kinds.
const (
	Values Kind = iota + 1
	Manifest
)

func (k Kind) String() string { return [...]string{"", "values", "manifest"}[k] }

// Target is one file to scan. It is parsed when Load is called, so a
// scan over a large tree holds only the files being scanned in memory.
type Target struct {
	Path string
	Kind Kind
	// Explicit targets were named by the user: errors in them fail the
	// scan; walked ones that turn out not to be YAML are skipped.
	Explicit bool
	data     []byte // stdin, read once
	limits   yamltree.Limits
}

// Name implements scan.Lazy.
func (t Target) Name() string { return t.Path }

// Optional implements scan.Lazy.
func (t Target) Optional() bool { return !t.Explicit }

// Load reads and parses the file.
func (t Target) Load() (*yamltree.File, error) {
	data := t.data
	if data == nil {
		st, err := os.Stat(t.Path)
		if err != nil {
			return nil, &yamltree.Error{File: t.Path, Msg: err.Error()}
		}
		if t.limits.MaxBytes > 0 && st.Size() > t.limits.MaxBytes {
			return nil, &yamltree.Error{File: t.Path, Msg: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit", st.Size(), t.limits.MaxBytes)}
		}
		if data, err = os.ReadFile(t.Path); err != nil {
			return nil, &yamltree.Error{File: t.Path, Msg: err.Error()}
		}
	}
	return yamltree.Parse(&yamltree.Source{Name: t.Path, Kind: yamltree.User}, data, t.limits)
}

// Options tune discovery.
type Options struct {
	Limits yamltree.Limits
	Stdin  func() ([]byte, error)
}

var (
	valuesNameRE = regexp.MustCompile(`(?i)(^|[-_.])values([-_.][^/]*)?\.ya?ml$|^values\.ya?ml$`)
)

// Find expands paths (files, directories, "-" for stdin) into targets in a
// stable order. Directories are walked; ignored files (.gitignore) and
// YAML that is neither values nor manifests are skipped. A file named
// explicitly is always scanned.
func Find(ctx context.Context, paths []string, o Options) ([]Target, error) {
	var out []Target
	for _, p := range paths {
		if p == "-" {
			t, err := fromStdin(o)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, &yamltree.Error{File: p, Msg: "no such file or directory"}
		}
		if !st.IsDir() {
			t, ok, err := classify(p, o, true)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, t)
			}
			continue
		}
		ts, err := walk(ctx, p, o)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

func fromStdin(o Options) (Target, error) {
	if o.Stdin == nil {
		return Target{}, &yamltree.Error{File: "-", Msg: "no standard input"}
	}
	data, err := o.Stdin()
	if err != nil {
		return Target{}, &yamltree.Error{File: "<stdin>", Msg: err.Error()}
	}
	kind := sniff("", data)
	if kind == 0 {
		kind = Values
	}
	if data == nil {
		data = []byte{}
	}
	return Target{Path: "<stdin>", Kind: kind, Explicit: true, data: data, limits: limits(o)}, nil
}

// walk visits dir depth-first in lexical order, stacking .gitignore
// matchers so nested ignore files apply to their own subtree.
// matcher is a compiled .gitignore and the directory it governs.
type matcher struct {
	dir string
	ig  *ignore.GitIgnore
}

func walk(ctx context.Context, root string, o Options) ([]Target, error) {
	var stack []matcher
	var out []Target
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for len(stack) > 0 && !within(p, stack[len(stack)-1].dir) {
			stack = stack[:len(stack)-1]
		}
		if d.IsDir() {
			if d.Name() == ".git" || (p != root && ignored(stack, p, true)) {
				return filepath.SkipDir
			}
			if ig, err := ignore.CompileIgnoreFile(filepath.Join(p, ".gitignore")); err == nil {
				stack = append(stack, matcher{p, ig})
			}
			return nil
		}
		if !isYAML(d.Name()) || ignored(stack, p, false) || !d.Type().IsRegular() {
			return nil
		}
		t, ok, err := classify(p, o, false)
		if err != nil {
			return err
		}
		if ok {
			out = append(out, t)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

func ignored(stack []matcher, p string, dir bool) bool {
	for _, m := range stack {
		rel, err := filepath.Rel(m.dir, p)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		if dir {
			rel += "/"
		}
		if m.ig.MatchesPath(rel) {
			return true
		}
	}
	return false
}

func isYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// classify sniffs the head of a file to decide whether it is values, a
// manifest or neither. Explicit files are scanned even when they look
// like neither; whether they parse is found out when they are loaded.
func classify(p string, o Options, explicit bool) (Target, bool, error) {
	head, err := readHead(p, 64<<10)
	if err != nil {
		if !explicit {
			return Target{}, false, nil
		}
		return Target{}, false, &yamltree.Error{File: p, Msg: err.Error()}
	}
	kind := sniff(filepath.Base(p), head)
	if kind == 0 && explicit {
		kind = Values
	}
	return Target{Path: p, Kind: kind, Explicit: explicit, limits: limits(o)}, kind != 0, nil
}

func readHead(p string, n int) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return buf[:m], nil
}

func limits(o Options) yamltree.Limits {
	if o.Limits.MaxBytes == 0 {
		return yamltree.DefaultLimits
	}
	return o.Limits
}

// sniff decides by name first, then by content: Kubernetes objects have
// apiVersion and kind at the top level; values files have the chart's keys.
// It reads top-level keys line by line: regexes over 64 KB per file were
// the slowest part of walking a large tree.
func sniff(base string, data []byte) Kind {
	if bytes.IndexByte(data, 0) >= 0 {
		return 0
	}
	if len(data) > 64<<10 {
		data = data[:64<<10]
	}
	named := valuesNameRE.MatchString(base)
	var api, kind, values bool
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		key := topLevelKey(line)
		switch {
		case key == "":
		case key == "apiVersion":
			api = true
		case key == "kind":
			kind = true
		case isValuesKey(key):
			values = true
		}
	}
	switch {
	case api && kind && !named:
		return Manifest
	case named || values:
		return Values
	}
	return 0
}

// topLevelKey returns the key of a "key:" line at column 0 (or after a
// document marker), or "".
func topLevelKey(line []byte) string {
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	if len(line) == 0 || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == '-' {
		return ""
	}
	i := bytes.IndexByte(line, ':')
	if i <= 0 || (i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\r' && line[i+1] != '\t') {
		return ""
	}
	return string(bytes.Trim(line[:i], `"'`))
}

// isValuesKey: top-level keys of airflow-helm values (and of the official
// chart's, which airlock recognises and scans generically).
func isValuesKey(k string) bool {
	switch k {
	case "airflow", "externalDatabase", "externalRedis", "postgresql", "redis", "dags", "web", "workers",
		"scheduler", "flower", "pgbouncer", "extraManifests", "ingress", "executor", "fernetKey",
		"webserverSecretKey", "config", "env", "secret", "data", "webserver", "images", "triggerer", "logs":
		return true
	}
	return false
}
