package yamltree

import "strings"

// Kind is the shape of a node.
type Kind uint8

// Node kinds. Null is distinct from an empty string because Helm treats a
// null user value as "delete the chart default".
const (
	Null Kind = iota + 1
	Scalar
	Map
	Seq
)

// Style records how a scalar was written; fixers need it to keep quoting.
type Style uint8

// Scalar styles.
const (
	Plain Style = iota + 1
	SingleQuoted
	DoubleQuoted
	Literal
	Folded
)

// SourceKind tells where a value came from.
type SourceKind uint8

// Source kinds. Only User sources have lines a user can edit.
const (
	User SourceKind = iota + 1
	ChartDefault
	BuiltinDefault
	SetFlag
	Embedded
	Rendered
)

func (k SourceKind) String() string {
	switch k {
	case User:
		return "values file"
	case ChartDefault:
		return "chart default"
	case BuiltinDefault:
		return "built-in chart default"
	case SetFlag:
		return "--set"
	case Embedded:
		return "embedded document"
	case Rendered:
		return "rendered manifest"
	}
	return "unknown"
}

// Source identifies one input: a values file as the user named it, the
// chart's values.yaml, the built-in catalog, or a --set flag.
type Source struct {
	Name string
	Kind SourceKind
}

// Pos is a 1-based line and column (in characters, not bytes).
type Pos struct {
	Line int
	Col  int
}

// Node is one value. Aliases are resolved to the anchored node itself, so a
// value used through `*x` reports the anchor's position, as users expect.
type Node struct {
	Kind    Kind
	Tag     string // short YAML tag: str, int, float, bool, null, binary, timestamp, or a custom one
	Value   string // scalar text after YAML unescaping
	Style   Style
	Pos     Pos
	Src     *Source
	Anchor  string
	Entries []Entry // Map, in file order; duplicates kept (the last one wins)
	Items   []*Node // Seq
}

// Entry is one key of a mapping.
type Entry struct {
	Key    string
	KeyPos Pos
	Value  *Node
	Merged bool // brought in by a `<<` merge key
}

// Get returns the value of key, honouring "last duplicate wins" as Helm does.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Map {
		return nil
	}
	for i := len(n.Entries) - 1; i >= 0; i-- {
		if n.Entries[i].Key == key {
			return n.Entries[i].Value
		}
	}
	return nil
}

// Lookup follows a chain of map keys.
func (n *Node) Lookup(keys ...string) *Node {
	for _, k := range keys {
		n = n.Get(k)
		if n == nil {
			return nil
		}
	}
	return n
}

// At follows a concrete path (keys and list indices) from n, or returns
// nil when the path leaves the tree.
func (n *Node) At(p Path) *Node {
	for _, e := range p {
		if n == nil {
			return nil
		}
		if e.IsIndex {
			if n.Kind != Seq || e.Index < 0 || e.Index >= len(n.Items) {
				return nil
			}
			n = n.Items[e.Index]
			continue
		}
		n = n.Get(e.Key)
	}
	return n
}

// Has reports whether the map holds key (even with a null value).
func (n *Node) Has(key string) bool {
	if n == nil || n.Kind != Map {
		return false
	}
	for _, e := range n.Entries {
		if e.Key == key {
			return true
		}
	}
	return false
}

// Text returns the scalar's text, or "" for anything else.
func (n *Node) Text() string {
	if n == nil || n.Kind != Scalar {
		return ""
	}
	return n.Value
}

// IsString reports whether the scalar resolves to a string in Helm, which
// reads values with YAML 1.1 rules.
func (n *Node) IsString() bool {
	return n != nil && n.Kind == Scalar && n.Tag == "str"
}

// Truthy mirrors Go template truthiness of the value Helm would see: false,
// 0, null and empty strings and collections are false.
func (n *Node) Truthy() bool {
	if n == nil {
		return false
	}
	switch n.Kind {
	case Null:
		return false
	case Map:
		return len(n.Entries) > 0
	case Seq:
		return len(n.Items) > 0
	}
	switch n.Tag {
	case "bool":
		b, _ := ParseBool11(n.Value)
		return b
	case "int", "float":
		return strings.Trim(n.Value, "+-0._xob") != "" && !isZeroNumber(n.Value)
	}
	return n.Value != ""
}

func isZeroNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0o"), "0b")
	return strings.Trim(s, "0._") == ""
}

// ParseBool11 resolves YAML 1.1 booleans, which Helm (through yaml.v2)
// still honours: yes/no/on/off/y/n as well as true/false.
func ParseBool11(s string) (value, ok bool) {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE":
		return true, true
	case "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// FromUser reports whether the node was written in a user's values file.
func (n *Node) FromUser() bool {
	return n != nil && n.Src != nil && n.Src.Kind == User
}
