package diagram

import (
	"fmt"
	"strings"
)

// Mermaid renders the graph as a Mermaid flowchart (left to right, one
// subgraph per column). Node identifiers are n1, n2, ... in canonical
// order, so user text never has to be a valid identifier. The graph must
// be sorted.
func Mermaid(g *Graph) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	for i, n := range g.Nodes {
		ids[n.ID] = fmt.Sprintf("n%d", i+1)
	}
	for c, title := range ColumnTitles {
		fmt.Fprintf(&b, "  subgraph col%d[\"%s\"]\n    direction TB\n", c+1, mermaidText(title))
		for _, n := range g.Nodes {
			if n.Column != Column(c) {
				continue
			}
			label := mermaidText(n.Label)
			if n.Sub != "" {
				label += "<br/><small>" + mermaidText(n.Sub) + "</small>"
			}
			fmt.Fprintf(&b, "    %s[\"%s\"]\n", ids[n.ID], label)
		}
		b.WriteString("  end\n")
	}
	for _, e := range g.Edges {
		arrow := "-->"
		if e.Mode == File || e.Mode == Other {
			arrow = "-.->"
		}
		if l := e.Label(); l != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", ids[e.From], arrow, mermaidText(l), ids[e.To])
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", ids[e.From], arrow, ids[e.To])
		}
	}
	var risky []string
	for _, n := range g.Nodes {
		if n.Risk {
			risky = append(risky, ids[n.ID])
		}
	}
	b.WriteString("  classDef risk fill:#fde8e8,stroke:#c0392b,color:#7b1d1d\n")
	if len(risky) > 0 {
		fmt.Fprintf(&b, "  class %s risk\n", strings.Join(risky, ","))
	}
	return b.String()
}

// mermaidText escapes text for a quoted Mermaid label: quotes and angle
// brackets become entity codes, and line breaks spaces, so a Secret name
// cannot end the label or inject markup.
var mermaidReplacer = strings.NewReplacer(
	`"`, "#quot;", "<", "#lt;", ">", "#gt;", "#", "#35;", "\n", " ", "\r", " ", "`", "#96;", "|", "#124;",
)

func mermaidText(s string) string { return mermaidReplacer.Replace(s) }
