// Package discover finds the files `airlock scan PATH...` should read:
// Helm values files and Kubernetes manifests, by name and by content,
// walking directories while honouring .gitignore files.
package discover

import (
	"bytes"
	"context"
	"errors"
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

// Target is one file to scan.
type Target struct {
	Path string
	Kind Kind
	File *yamltree.File
}

// Options tune discovery.
type Options struct {
	Limits yamltree.Limits
	Stdin  func() ([]byte, error)
}

var (
	valuesNameRE   = regexp.MustCompile(`(?i)(^|[-_.])values([-_.][^/]*)?\.ya?ml$|^values\.ya?ml$`)
	manifestHintRE = regexp.MustCompile(`(?m)^\s*apiVersion:\s*\S+\s*$`)
	kindHintRE     = regexp.MustCompile(`(?m)^\s*kind:\s*[A-Z]\w*\s*$`)
	valuesHintRE   = regexp.MustCompile(`(?m)^(airflow|externalDatabase|externalRedis|postgresql|redis|dags|web|workers|scheduler|flower|pgbouncer|extraManifests|ingress|executor|fernetKey|webserverSecretKey|config|env|secret|data|webserver|images)\s*:`)
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
	return parse("<stdin>", data, o, true)
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

// classify reads a file and decides whether it is values, a manifest or
// neither. Explicit files are scanned even when they look like neither.
func classify(p string, o Options, explicit bool) (Target, bool, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) && !explicit {
			return Target{}, false, nil
		}
		return Target{}, false, &yamltree.Error{File: p, Msg: err.Error()}
	}
	t, err := parse(p, data, o, explicit)
	if err != nil {
		if !explicit {
			return Target{}, false, nil // unrelated broken YAML in a tree is not ours to judge
		}
		return Target{}, false, err
	}
	return t, t.Kind != 0, nil
}

func parse(name string, data []byte, o Options, explicit bool) (Target, error) {
	kind := sniff(filepath.Base(name), data)
	if kind == 0 && explicit {
		kind = Values
	}
	if kind == 0 {
		return Target{}, nil
	}
	lim := o.Limits
	if lim.MaxBytes == 0 {
		lim = yamltree.DefaultLimits
	}
	f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: yamltree.User}, data, lim)
	if err != nil {
		return Target{}, err
	}
	return Target{Path: name, Kind: kind, File: f}, nil
}

// sniff decides by name first, then by content: Kubernetes objects have
// apiVersion and kind at the top level; values files have the chart's keys.
func sniff(base string, data []byte) Kind {
	if bytes.IndexByte(data, 0) >= 0 {
		return 0
	}
	head := data
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	switch {
	case manifestHintRE.Match(head) && kindHintRE.Match(head) && !valuesNameRE.MatchString(base):
		return Manifest
	case valuesNameRE.MatchString(base), valuesHintRE.Match(head):
		return Values
	}
	return 0
}
