// Package diagram is the flow graph of a deployment's secrets: where each
// value comes from (a values file, the chart defaults, a secret manager),
// which Kubernetes Secret (or pod spec) carries it, and which components
// read it. One graph model feeds two renderers that must agree: Mermaid
// source for Markdown (GitHub draws it) and a self-contained inline SVG
// for HTML (no script, no external asset).
//
// Everything is ordered canonically, so the same graph always renders to
// the same bytes.
package diagram

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Column is one of the three layers the graph is drawn in, left to right.
type Column int

// Columns.
const (
	Sources   Column = iota // values files, chart defaults, secret stores
	Carriers                // Kubernetes Secrets, or the pod spec for literals
	Consumers               // Airflow components
)

// ColumnTitles head the columns in both renderings.
var ColumnTitles = [...]string{"Sources", "Kubernetes Secrets", "Components"}

// Mode says how a consumer reads a carrier; it sets the edge's style.
type Mode string

// Modes. Env and File are the ways a container reads a Secret; Other
// covers readers that are not containers (the kubelet pulling images, an
// ingress controller serving TLS).
const (
	Env   Mode = "env"
	File  Mode = "file"
	Other Mode = "other"
)

// Node is one box.
type Node struct {
	// ID is stable and unique; renderers derive their own identifiers
	// from the canonical order, never from user text.
	ID     string
	Column Column
	Label  string
	Sub    string // a second, smaller line: the kind of source or workload
	// Risk marks a node that carries a hardcoded, public-default or
	// dangling secret; both renderings colour it.
	Risk bool
}

// Edge links two nodes. Parts are merged into one label.
type Edge struct {
	From, To string
	Parts    []string
	Mode     Mode
	Risk     bool
}

// Label joins the parts, or counts them when they would make the drawing
// unreadable.
func (e Edge) Label() string {
	text := strings.Join(e.Parts, ", ")
	if len(e.Parts) > 3 || len(text) > 40 {
		return strconv.Itoa(len(e.Parts)) + " secrets"
	}
	return text
}

// Graph is the whole flow.
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// AddNode adds n, or merges it into the node with the same ID (a node is
// risky when any of its mentions is).
func (g *Graph) AddNode(n Node) {
	for i := range g.Nodes {
		if g.Nodes[i].ID == n.ID {
			g.Nodes[i].Risk = g.Nodes[i].Risk || n.Risk
			return
		}
	}
	g.Nodes = append(g.Nodes, n)
}

// AddEdge adds e, or merges its parts into the edge between the same
// nodes. A File edge merged with an Env edge becomes Env: the stronger
// exposure decides the style.
func (g *Graph) AddEdge(e Edge) {
	for i := range g.Edges {
		x := &g.Edges[i]
		if x.From != e.From || x.To != e.To {
			continue
		}
		for _, p := range e.Parts {
			if !slices.Contains(x.Parts, p) {
				x.Parts = append(x.Parts, p)
			}
		}
		x.Risk = x.Risk || e.Risk
		if x.Mode != e.Mode && (x.Mode == Env || e.Mode == Env) {
			x.Mode = Env
		}
		return
	}
	e.Parts = slices.Clone(e.Parts)
	g.Edges = append(g.Edges, e)
}

// Node returns the node with id, or nil.
func (g *Graph) Node(id string) *Node {
	for i := range g.Nodes {
		if g.Nodes[i].ID == id {
			return &g.Nodes[i]
		}
	}
	return nil
}

// Sort puts nodes in column then label order and edges in node order, and
// sorts every edge's parts: the canonical form both renderers read.
func (g *Graph) Sort() {
	slices.SortFunc(g.Nodes, func(a, b Node) int {
		return cmp.Or(cmp.Compare(a.Column, b.Column), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Sub, b.Sub), cmp.Compare(a.ID, b.ID))
	})
	index := map[string]int{}
	for i, n := range g.Nodes {
		index[n.ID] = i
	}
	for i := range g.Edges {
		slices.Sort(g.Edges[i].Parts)
	}
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(index[a.From], index[b.From]), cmp.Compare(index[a.To], index[b.To]))
	})
}

// IsEmpty reports a graph with nothing to draw.
func (g *Graph) IsEmpty() bool { return g == nil || len(g.Nodes) == 0 }
