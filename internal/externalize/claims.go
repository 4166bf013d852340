package externalize

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Move is one values path taken to the manager.
type Move struct {
	Path       string
	File       string // "" for a chart default
	Line       int
	Remote     string // the secret in the manager
	Properties []string
	Generated  bool
	// Via says how Airflow now reads it.
	Via string
}

// claims are the values paths a style handles itself (not fix), with
// what it does to them.
type claims struct {
	o       *Options
	prep    *fix.Prepared
	eff     *yamltree.Node
	ed      *edits
	paths   map[string]bool // finding paths taken from fix
	secrets map[string]*remote.Secret
	moves   []Move
	files   []agent.File
	// injections are the vault-agent components and their files.
	injections []injection
	notes      []string
	masks      []string
}

func newClaims(o *Options, prep *fix.Prepared) *claims {
	var names []string
	var firsts []*yamltree.Node
	for _, f := range prep.Inputs.Files {
		names = append(names, f.Src.Name)
		firsts = append(firsts, f.First())
	}
	var defaults *yamltree.Node
	if prep.Inputs.Defaults != nil {
		defaults = prep.Inputs.Defaults.First()
	}
	return &claims{o: o, prep: prep, eff: yamltree.Effective(defaults, firsts...), ed: newEdits(names),
		paths: map[string]bool{}, secrets: map[string]*remote.Secret{}}
}

// get reads the effective values at a dotted path.
func (c *claims) get(path string) *yamltree.Node {
	p, err := yamltree.ParsePath(path)
	if err != nil {
		return nil
	}
	return c.eff.At(yamltree.Path(p))
}

// findings returns the findings at path.
func (c *claims) findings(path string) []finding.Finding {
	var out []finding.Finding
	for _, f := range c.prep.Scan.Findings {
		if f.Path == path {
			out = append(out, f)
		}
	}
	return out
}

// envDefined reports whether Airflow already gets name from
// airflow.config or airflow.extraEnv.
func (c *claims) envDefined(name string) bool {
	if c.get("airflow.config").Get(name) != nil {
		return true
	}
	if env := c.get("airflow.extraEnv"); env != nil && env.Kind == yamltree.Seq {
		for _, e := range env.Items {
			if strings.TrimSpace(e.Get("name").Text()) == name {
				return true
			}
		}
	}
	return false
}

// optionSet reports whether an Airflow option is set in any form.
func (c *claims) optionSet(env string) bool {
	return c.envDefined(env) || c.envDefined(env+"_CMD") || c.envDefined(env+"_SECRET")
}

// put adds a property to a secret in the manager.
// A non-generated value that is secret is also masked in diffs.
func (c *claims) put(name string, raw bool, key, value string, generated, secret bool, reader string) {
	s := c.secrets[name]
	if s == nil {
		s = &remote.Secret{Name: name, Raw: raw}
		c.secrets[name] = s
	}
	if _, ok := s.Get(key); !ok {
		s.Props = append(s.Props, remote.Prop{Key: key, Value: redact.New(value), Generated: generated})
	}
	if reader != "" && !slices.Contains(s.Readers, reader) {
		s.Readers = append(s.Readers, reader)
	}
	if secret && !generated {
		c.masks = append(c.masks, value)
	}
}

// appendEnv adds an airflow.extraEnv entry in the file whose list is in
// effect (lists replace, they do not merge), or creates the list.
func (c *claims) appendEnv(name, value string) {
	item := edit.Map("name", name, "value", value)
	if env := c.get("airflow.extraEnv"); env != nil && env.FromUser() && env.Kind == yamltree.Seq {
		p, _ := yamltree.ParsePath("airflow.extraEnv")
		c.ed.op(env.Src.Name, &edit.Append{Path: yamltree.Path(p), Items: []edit.Frag{item}})
		return
	}
	c.ed.mergeAt(c.ed.last(), "airflow", edit.Map("extraEnv", edit.Seq(item)))
}

// removeLiteral blanks (or deletes) a located literal in every file that
// writes it, and reports where the first one is for the move.
func (c *claims) removeLiteral(path string, del bool) (string, int) {
	p, _ := yamltree.ParsePath(path)
	file, line := "", 0
	for _, f := range c.findings(path) {
		if f.Loc.IsZero() || f.Loc.Doc > 0 {
			continue
		}
		if del {
			c.ed.op(f.Loc.File, edit.DeleteKey{Path: yamltree.Path(p)})
		} else {
			c.ed.op(f.Loc.File, edit.SetScalar{Path: yamltree.Path(p), Value: ""})
		}
		if file == "" {
			file, line = f.Loc.File, f.Loc.Line
		}
	}
	return file, line
}

func (c *claims) note(format string, a ...any) {
	n := fmt.Sprintf(format, a...)
	if !slices.Contains(c.notes, n) {
		c.notes = append(c.notes, n)
	}
}

// generate makes a value that replaces a public chart default: 32 random
// bytes, URL-safe base64 (a Fernet key keeps its padding, as Fernet
// requires).
func generate(r io.Reader, fernet bool) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("generate a random value: %w", err)
	}
	if fernet {
		return base64.URLEncoding.EncodeToString(b), nil
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// raw reports whether single values are plain strings in this manager
// (the clouds' backends read a variable or option as the whole secret).
func (c *claims) raw() bool { return c.o.Provider != layout.Vault }
