package yamltree

import (
	"errors"
	"fmt"
)

// ErrExpansion reports an alias-expansion bomb: walking the document would
// visit more nodes than the budget allows.
var ErrExpansion = errors.New("alias expansion exceeds the limit")

// Cursor is a node in the context of a walk: its path and its parents.
// Rules need the parents to read siblings (an env entry's name) and
// ancestors (the kind of the manifest a value sits in).
type Cursor struct {
	Path   Path
	Node   *Node
	Parent *Cursor
}

// Key is the map key the node sits under, or "" for list items and roots.
func (c *Cursor) Key() string { return c.Path.Last() }

// Up returns the n-th ancestor, or nil.
func (c *Cursor) Up(n int) *Cursor {
	for ; c != nil && n > 0; n-- {
		c = c.Parent
	}
	return c
}

// Visit is called for every node. Returning false skips the children.
type Visit func(c *Cursor) bool

// Budget bounds the nodes a walk may visit. Aliases make a tree a DAG, and
// expanding a DAG can be exponential; the budget turns that into an error.
type Budget struct {
	Left int
	File string
}

// NewBudget sizes a budget for a file: generous for real values files
// (anchors reused many times), fatal for "billion laughs".
func NewBudget(f *File, lim Limits) *Budget {
	max := lim.MaxVisits
	if max <= 0 {
		max = DefaultLimits.MaxVisits
	}
	if n := f.Nodes * 64; n > max {
		max = n
	}
	return &Budget{Left: max, File: f.Src.Name}
}

// Walk visits root and every descendant in document order, expanding
// aliases. It stops with an error wrapping ErrExpansion and ErrInvalid when
// the budget runs out. A nil budget means unbounded (trusted input only).
func Walk(root *Node, b *Budget, fn Visit) error {
	return walk(&Cursor{Node: root}, b, fn)
}

func walk(c *Cursor, b *Budget, fn Visit) error {
	n := c.Node
	if n == nil {
		return nil
	}
	if b != nil {
		b.Left--
		if b.Left < 0 {
			return &Error{File: b.File, Line: n.Pos.Line, Err: ErrExpansion,
				Msg: fmt.Sprintf("%v (anchors expand to too many nodes; is this an alias bomb?)", ErrExpansion)}
		}
	}
	if !fn(c) {
		return nil
	}
	switch n.Kind {
	case Map:
		for _, e := range n.Entries {
			if err := walk(&Cursor{Path: c.Path.Key(e.Key), Node: e.Value, Parent: c}, b, fn); err != nil {
				return err
			}
		}
	case Seq:
		for i, item := range n.Items {
			if err := walk(&Cursor{Path: c.Path.Index(i), Node: item, Parent: c}, b, fn); err != nil {
				return err
			}
		}
	}
	return nil
}
