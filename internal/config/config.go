// Package config reads .airlock.yaml: rule toggles, severity overrides,
// allowlists, the fail-on threshold and per-feature sections. Decoding is
// strict: an unknown key, a bad severity or a regex that does not compile
// is an error naming the file, line and key, so a typo never silently
// turns a check off.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// FileName is the config file airlock looks for.
const FileName = ".airlock.yaml"

// Config is the validated configuration.
type Config struct {
	// Path is where it was read from ("" for defaults).
	Path string
	// Disabled rule ids.
	Disabled map[string]bool
	// Severity overrides by rule id.
	Severity map[string]finding.Severity
	// FailOn is the threshold from the file (zero: not set).
	FailOn finding.Severity
	// AllowPaths are values-path patterns ("airflow.variables[*].value").
	AllowPaths []yamltree.Pattern
	// AllowFiles are file globs (path/filepath.Match on the slash path,
	// with ** matching any number of directories).
	AllowFiles []string
	// AllowValues are regexes matched against the secret itself.
	AllowValues []*regexp.Regexp
	// Sections keeps feature sections (audit, doc, ...) for their
	// owners to decode strictly.
	Sections map[string]*yaml.Node
}

// raw mirrors the file; Regexp and Severity validate while decoding.
type raw struct {
	Rules struct {
		Disable  []string            `yaml:"disable"`
		Severity map[string]severity `yaml:"severity"`
	} `yaml:"rules"`
	FailOn    severity `yaml:"failOn"`
	Allowlist struct {
		Paths  []pathPattern `yaml:"paths"`
		Files  []string      `yaml:"files"`
		Values []pattern     `yaml:"values"`
	} `yaml:"allowlist"`
	Audit yaml.Node `yaml:"audit"`
	Doc   yaml.Node `yaml:"doc"`
}

type severity struct{ finding.Severity }

func (s *severity) UnmarshalYAML(n *yaml.Node) error {
	v, err := finding.ParseSeverity(n.Value)
	if err != nil {
		return lineError(n, err.Error())
	}
	s.Severity = v
	return nil
}

type pattern struct{ *regexp.Regexp }

func (p *pattern) UnmarshalYAML(n *yaml.Node) error {
	re, err := regexp.Compile(n.Value)
	if err != nil {
		return lineError(n, fmt.Sprintf("bad regex %q: %v", n.Value, err))
	}
	p.Regexp = re
	return nil
}

type pathPattern struct{ yamltree.Pattern }

func (p *pathPattern) UnmarshalYAML(n *yaml.Node) error {
	pat, err := yamltree.ParsePath(n.Value)
	if err != nil || len(pat) == 0 {
		return lineError(n, fmt.Sprintf("bad values path %q", n.Value))
	}
	p.Pattern = pat
	return nil
}

// located carries a line through yaml.v3's error wrapping.
type located struct {
	line int
	msg  string
}

func (e *located) Error() string { return e.msg }

func lineError(n *yaml.Node, msg string) error { return &located{line: n.Line, msg: msg} }

var (
	yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)
	notFoundRE = regexp.MustCompile(`not found in type \S+`)
)

// Parse decodes and validates a config file's bytes.
func Parse(path string, data []byte, knownRules func(string) bool) (*Config, error) {
	var r raw
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(path, err)
	}
	c := &Config{Path: path, Disabled: map[string]bool{}, Severity: map[string]finding.Severity{}, FailOn: r.FailOn.Severity,
		AllowFiles: r.Allowlist.Files, Sections: map[string]*yaml.Node{}}
	for _, id := range r.Rules.Disable {
		if knownRules != nil && !knownRules(id) {
			return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("rules.disable: unknown rule %q (see airlock rules)", id)}
		}
		c.Disabled[id] = true
	}
	for id, s := range r.Rules.Severity {
		if knownRules != nil && !knownRules(id) {
			return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("rules.severity: unknown rule %q (see airlock rules)", id)}
		}
		c.Severity[id] = s.Severity
	}
	for _, p := range r.Allowlist.Paths {
		c.AllowPaths = append(c.AllowPaths, p.Pattern)
	}
	for _, v := range r.Allowlist.Values {
		c.AllowValues = append(c.AllowValues, v.Regexp)
	}
	for _, g := range c.AllowFiles {
		if _, err := filepath.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("allowlist.files: bad glob %q", g)}
		}
	}
	if r.Audit.Kind != 0 {
		c.Sections["audit"] = &r.Audit
	}
	if r.Doc.Kind != 0 {
		c.Sections["doc"] = &r.Doc
	}
	return c, nil
}

func decodeError(path string, err error) error {
	var le *located
	if errors.As(err, &le) {
		return &yamltree.Error{File: path, Line: le.line, Msg: le.msg}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		if m := yamlLineRE.FindStringSubmatch(te.Errors[0]); m != nil {
			line := 0
			fmt.Sscanf(m[1], "%d", &line)
			msg := notFoundRE.ReplaceAllString(m[2], "is not a known key")
			return &yamltree.Error{File: path, Line: line, Msg: msg}
		}
	}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line := 0
		fmt.Sscanf(m[1], "%d", &line)
		return &yamltree.Error{File: path, Line: line, Msg: m[2]}
	}
	return &yamltree.Error{File: path, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// Load reads path; a missing file is an error (the user named it).
func Load(path string, knownRules func(string) bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &yamltree.Error{File: path, Msg: fmt.Sprintf("cannot read config: %v", errors.Unwrap(err))}
	}
	return Parse(path, data, knownRules)
}

// Find looks for .airlock.yaml in dir and its parents up to the enclosing
// git work tree's root; it returns "" when there is none.
func Find(dir string) string {
	dir, _ = filepath.Abs(dir)
	for {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Default is the configuration when there is no file.
func Default() *Config {
	return &Config{Disabled: map[string]bool{}, Severity: map[string]finding.Severity{}, Sections: map[string]*yaml.Node{}}
}

// AllowsFile reports whether file matches an allowlisted glob.
func (c *Config) AllowsFile(file string) bool {
	file = filepath.ToSlash(filepath.Clean(file))
	for _, g := range c.AllowFiles {
		if globMatch(g, file) {
			return true
		}
	}
	return false
}

// globMatch supports ** as "any number of path segments".
func globMatch(glob, path string) bool {
	if !strings.Contains(glob, "**") {
		ok, _ := filepath.Match(glob, path)
		return ok
	}
	parts := strings.SplitN(glob, "**", 2)
	prefix, suffix := parts[0], strings.TrimPrefix(parts[1], "/")
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	rest := strings.TrimPrefix(path, prefix)
	segs := strings.Split(rest, "/")
	for i := range segs {
		if globMatch(suffix, strings.Join(segs[i:], "/")) {
			return true
		}
	}
	return suffix == ""
}
