package edit

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Frag is a small YAML value built by airlock (never parsed from the
// user's file): a scalar, an ordered mapping or a sequence. It renders in
// block or flow style to match where it is inserted.
type Frag struct {
	kind  fragKind
	text  string
	plain bool // a non-string scalar (number, bool) written as is
	keys  []string
	vals  []Frag
	items []Frag
}

type fragKind uint8

const (
	fragScalar fragKind = iota + 1
	fragMap
	fragSeq
)

// Str is a string scalar.
func Str(s string) Frag { return Frag{kind: fragScalar, text: s} }

// Plain is a scalar written as is, for numbers and booleans copied from
// chart defaults.
func Plain(s string) Frag { return Frag{kind: fragScalar, text: s, plain: true} }

// Map builds a mapping from alternating keys and values; values are Frag
// or string.
func Map(kv ...any) Frag {
	f := Frag{kind: fragMap}
	for i := 0; i+1 < len(kv); i += 2 {
		f = f.With(kv[i].(string), asFrag(kv[i+1]))
	}
	return f
}

// Seq builds a sequence.
func Seq(items ...Frag) Frag { return Frag{kind: fragSeq, items: items} }

// With returns a copy of the mapping with one more entry.
func (f Frag) With(key string, v Frag) Frag {
	f.keys = append(append([]string(nil), f.keys...), key)
	f.vals = append(append([]Frag(nil), f.vals...), v)
	return f
}

func asFrag(v any) Frag {
	if s, ok := v.(string); ok {
		return Str(s)
	}
	return v.(Frag)
}

// IsMap reports a mapping fragment.
func (f Frag) IsMap() bool { return f.kind == fragMap }

// Entries returns a mapping's keys and values.
func (f Frag) Entries() ([]string, []Frag) { return f.keys, f.vals }

// block renders f as the value of a block entry or item at indent spaces.
// The first line is returned separately: it follows `key:` (scalars and
// flow) or starts the nested block on the next line.
func (f Frag) block(indent int, eol string) []string {
	pad := strings.Repeat(" ", indent)
	var out []string
	switch f.kind {
	case fragMap:
		for i, k := range f.keys {
			v := f.vals[i]
			if v.kind == fragScalar || v.empty() {
				out = append(out, pad+quoteKey(k)+": "+v.flow())
				continue
			}
			out = append(out, pad+quoteKey(k)+":")
			out = append(out, v.block(indent+2, eol)...)
		}
	case fragSeq:
		for _, it := range f.items {
			if it.kind == fragScalar || it.empty() {
				out = append(out, pad+"- "+it.flow())
				continue
			}
			lines := it.block(indent+2, eol)
			lines[0] = pad + "- " + strings.TrimPrefix(lines[0], pad+"  ")
			out = append(out, lines...)
		}
	default:
		out = append(out, pad+f.flow())
	}
	return out
}

func (f Frag) empty() bool {
	return f.kind == fragMap && len(f.keys) == 0 || f.kind == fragSeq && len(f.items) == 0
}

// flow renders f on one line.
func (f Frag) flow() string {
	switch f.kind {
	case fragMap:
		parts := make([]string, len(f.keys))
		for i, k := range f.keys {
			parts[i] = quoteKey(k) + ": " + f.vals[i].flowIn()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case fragSeq:
		parts := make([]string, len(f.items))
		for i, it := range f.items {
			parts[i] = it.flowIn()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if f.plain {
		return f.text
	}
	return Quote(f.text, false)
}

// flowIn renders f inside a flow collection, where `{}[],` are indicators.
func (f Frag) flowIn() string {
	if f.kind == fragScalar && !f.plain {
		return Quote(f.text, true)
	}
	return f.flow()
}

var plainRE = regexp.MustCompile(`^[A-Za-z_$/][A-Za-z0-9_./@$-]*$`)
var plainBlockRE = regexp.MustCompile(`^[A-Za-z_$/][A-Za-z0-9_./@${}-]*$`)

// Quote renders s as a YAML scalar that every YAML 1.1 and 1.2 reader
// (Helm reads values with YAML 1.1 rules) takes for the same string:
// plain when unambiguous, double-quoted otherwise.
func Quote(s string, flow bool) string {
	re := plainBlockRE
	if flow {
		re = plainRE
	}
	if re.MatchString(s) && !reserved(s) {
		return s
	}
	return strconv.Quote(s)
}

// reserved words resolve to booleans or null instead of strings.
func reserved(s string) bool {
	if _, ok := yamltree.ParseBool11(s); ok {
		return true
	}
	switch strings.ToLower(s) {
	case "null", "~", ".inf", ".nan":
		return true
	}
	return false
}

// SingleQuote renders s in single quotes, for scalars that were written so.
func SingleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func quoteKey(k string) string { return Quote(k, true) }

// matches reports whether a parsed value equals the fragment.
func (f Frag) matches(n *yamltree.Node) bool {
	if n == nil {
		return false
	}
	switch f.kind {
	case fragScalar:
		return n.Kind == yamltree.Scalar && (f.plain || n.Tag == "str") && n.Value == f.text
	case fragMap:
		if n.Kind != yamltree.Map {
			return false
		}
		for i, k := range f.keys {
			if !f.vals[i].matches(n.Get(k)) {
				return false
			}
		}
		return true
	case fragSeq:
		if n.Kind != yamltree.Seq || len(n.Items) != len(f.items) {
			return false
		}
		for i, it := range f.items {
			if !it.matches(n.Items[i]) {
				return false
			}
		}
		return true
	}
	return false
}

// MergeFrags deep-merges b into a: mappings merge key by key, lists
// concatenate, and b's scalars win.
func MergeFrags(a, b Frag) Frag {
	switch {
	case a.kind == fragMap && b.kind == fragMap:
		out := Frag{kind: fragMap, keys: slices.Clone(a.keys), vals: slices.Clone(a.vals)}
		for i, k := range b.keys {
			j := slices.Index(out.keys, k)
			if j < 0 {
				out.keys = append(out.keys, k)
				out.vals = append(out.vals, b.vals[i])
				continue
			}
			out.vals[j] = MergeFrags(out.vals[j], b.vals[i])
		}
		return out
	case a.kind == fragSeq && b.kind == fragSeq:
		return Seq(append(slices.Clone(a.items), b.items...)...)
	}
	return b
}

// Nest wraps v in mappings along p (which must be keys only).
func Nest(p yamltree.Path, v Frag) Frag {
	for i := len(p) - 1; i >= 0; i-- {
		v = Map(p[i].Key, v)
	}
	return v
}
