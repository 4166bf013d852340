package yamltree

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work a hostile or accidental input can cause.
type Limits struct {
	MaxBytes int64 // refuse larger inputs
	MaxDepth int   // refuse deeper nesting
	// MaxVisits bounds how many nodes a walk may visit after alias
	// expansion ("billion laughs"); 0 means the default.
	MaxVisits int
}

// DefaultLimits suit values files: far larger than any real one, small
// enough that a mistaken `-f` on a database dump fails fast.
var DefaultLimits = Limits{MaxBytes: 64 << 20, MaxDepth: 512, MaxVisits: 2_000_000}

// Document is one YAML document of a file.
type Document struct {
	Src   *Source
	Index int // 0-based position in the file
	Root  *Node
}

// File is a parsed input with all its documents and its original bytes,
// which fixers splice so that everything outside an edit stays identical.
type File struct {
	Src   *Source
	Bytes []byte
	Docs  []*Document
	// Nodes counts the distinct nodes of the file; walk budgets scale with it.
	Nodes int
}

// First returns the first document's root, the only one Helm 3 merges.
func (f *File) First() *Node {
	if f == nil || len(f.Docs) == 0 {
		return nil
	}
	return f.Docs[0].Root
}

// Error is a parse failure with its location, so the CLI can print
// "file:line: message" and exit 2.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error // a sentinel such as ErrExpansion, or nil
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ErrInvalid is wrapped by every input error; callers map it to exit code 2.
var ErrInvalid = errors.New("invalid input")

func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalid, e.Err}
	}
	return []error{ErrInvalid}
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads every document of data. name is how the user named the file
// and is what findings will show.
func Parse(src *Source, data []byte, lim Limits) (*File, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, &Error{File: src.Name, Msg: fmt.Sprintf("file is %d bytes, larger than the %d-byte limit for values files", len(data), lim.MaxBytes)}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, &Error{File: src.Name, Line: bytes.Count(data[:i], []byte("\n")) + 1, Msg: "binary data (NUL byte): not a YAML file"}
	}
	f := &File{Src: src, Bytes: data}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var raw yaml.Node
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, yamlError(src.Name, err)
		}
		c := converter{src: src, memo: map[*yaml.Node]*Node{}, open: map[*yaml.Node]bool{}, maxDepth: lim.MaxDepth}
		root, err := c.convert(&raw, 0)
		if err != nil {
			return nil, err
		}
		f.Nodes += c.count
		f.Docs = append(f.Docs, &Document{Src: src, Index: i, Root: root})
	}
	return f, nil
}

func yamlError(name string, err error) error {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "malformed YAML: " + m[2]}
	}
	return &Error{File: name, Msg: "malformed YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

type converter struct {
	src      *Source
	memo     map[*yaml.Node]*Node
	open     map[*yaml.Node]bool // nodes being converted: an alias to one is a cycle
	maxDepth int
	count    int
}

func (c *converter) convert(y *yaml.Node, depth int) (*Node, error) {
	if c.maxDepth > 0 && depth > c.maxDepth {
		return nil, &Error{File: c.src.Name, Line: y.Line, Msg: fmt.Sprintf("nesting deeper than %d levels", c.maxDepth)}
	}
	if n, ok := c.memo[y]; ok {
		return n, nil
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &Node{Kind: Null, Tag: "null", Pos: Pos{y.Line, y.Column}, Src: c.src}, nil
		}
		return c.convert(y.Content[0], depth)
	case yaml.AliasNode:
		if y.Alias == nil {
			return nil, &Error{File: c.src.Name, Line: y.Line, Msg: "unknown alias " + y.Value}
		}
		if c.open[y.Alias] {
			// Helm's YAML reader rejects these too; a cycle would make every
			// walk and merge infinite.
			return nil, &Error{File: c.src.Name, Line: y.Line, Msg: fmt.Sprintf("alias *%s refers to the node it is part of", y.Value)}
		}
		// The alias resolves to the anchored node itself: same pointer, same
		// position. Walks expand it under a budget.
		return c.convert(y.Alias, depth)
	}
	c.count++
	n := &Node{Pos: Pos{y.Line, y.Column}, Src: c.src, Anchor: y.Anchor}
	c.memo[y] = n
	c.open[y] = true
	defer delete(c.open, y)
	switch y.Kind {
	case yaml.ScalarNode:
		c.scalar(n, y)
	case yaml.SequenceNode:
		n.Kind, n.Tag = Seq, "seq"
		n.Items = make([]*Node, 0, len(y.Content))
		for _, item := range y.Content {
			v, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, v)
		}
	case yaml.MappingNode:
		n.Kind, n.Tag = Map, "map"
		if err := c.mapping(n, y, depth); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (c *converter) scalar(n *Node, y *yaml.Node) {
	n.Kind, n.Value = Scalar, y.Value
	n.Tag = strings.TrimPrefix(y.ShortTag(), "!!")
	switch {
	case y.Style&yaml.LiteralStyle != 0:
		n.Style = Literal
	case y.Style&yaml.FoldedStyle != 0:
		n.Style = Folded
	case y.Style&yaml.SingleQuotedStyle != 0:
		n.Style = SingleQuoted
	case y.Style&yaml.DoubleQuotedStyle != 0:
		n.Style = DoubleQuoted
	default:
		n.Style = Plain
	}
	if n.Style == Plain && y.Style&yaml.TaggedStyle == 0 {
		// Helm reads values through YAML 1.1, where yes/no/on/off are booleans.
		if _, ok := ParseBool11(y.Value); ok {
			n.Tag = "bool"
		}
	}
	if n.Tag == "null" {
		n.Kind = Null
	}
}

// mapping converts entries and applies `<<` merge keys: explicit keys win,
// and among merged maps the earlier one wins, as in YAML 1.1 and yaml.v2.
func (c *converter) mapping(n *Node, y *yaml.Node, depth int) error {
	var merges []*Node
	for i := 0; i+1 < len(y.Content); i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			mv, err := c.convert(v, depth+1)
			if err != nil {
				return err
			}
			switch mv.Kind {
			case Map:
				merges = append(merges, mv)
			case Seq:
				merges = append(merges, mv.Items...)
			}
			continue
		}
		val, err := c.convert(v, depth+1)
		if err != nil {
			return err
		}
		n.Entries = append(n.Entries, Entry{Key: keyText(k), KeyPos: Pos{k.Line, k.Column}, Value: val})
	}
	seen := make(map[string]bool, len(n.Entries))
	for _, e := range n.Entries {
		seen[e.Key] = true
	}
	for _, m := range merges {
		if m.Kind != Map {
			continue
		}
		for _, e := range m.Entries {
			if seen[e.Key] {
				continue
			}
			seen[e.Key] = true
			e.Merged = true
			n.Entries = append(n.Entries, e)
		}
	}
	return nil
}

// keyText renders a key the way Helm would see it after converting YAML to
// JSON: scalars by their text, anything else by a stable placeholder.
func keyText(k *yaml.Node) string {
	if k.Kind == yaml.AliasNode && k.Alias != nil {
		k = k.Alias
	}
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	return fmt.Sprintf("<complex key at line %d>", k.Line)
}
