package diagram

import (
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Layout constants, in pixels. Text is set in a monospace font so that
// widths can be computed here, without a browser: 12px monospace glyphs
// are at most about 7.3px wide in the common fonts.
const (
	charW     = 7.3
	padX      = 12.0
	nodeH     = 40.0
	nodeGapY  = 14.0
	colGapX   = 150.0
	margin    = 20.0
	headerH   = 34.0
	legendH   = 34.0
	minNodeW  = 140.0
	maxLabelN = 44 // longer labels are cut with an ellipsis (the full text is in the tooltip)
)

// placed is a node with its box.
type placed struct {
	Node
	x, y, w float64
}

// SVG renders the graph as a standalone inline SVG: three columns of
// boxes, cubic edges between them, a legend. The graph must be sorted.
// Nodes are <g class="node"> with data-column and data-id attributes, so
// tests (and readers' tools) can find them.
func SVG(g *Graph) string {
	cols := order(g)
	boxes, width, height := layout(cols)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" aria-label="Secret flow diagram" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7280"/></marker>` +
		`<marker id="arrow-risk" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>` + "\n")
	for c, title := range ColumnTitles {
		if x, ok := columnX(boxes, Column(c)); ok {
			fmt.Fprintf(&b, `<text class="column-title" x="%.1f" y="%.1f" font-weight="bold" font-size="13" fill="#111827">%s</text>`+"\n", x, margin+12, html.EscapeString(title))
		}
	}
	for _, e := range g.Edges {
		writeEdge(&b, boxes[e.From], boxes[e.To], e)
	}
	for _, n := range g.Nodes {
		writeNode(&b, boxes[n.ID])
	}
	writeLegend(&b, height-legendH+6)
	b.WriteString("</svg>\n")
	return b.String()
}

// order arranges each column to reduce crossings: a node sits at the mean
// position of its neighbours in the previous column (barycentre), with the
// canonical order breaking ties; one sweep right and one back left.
func order(g *Graph) [3][]Node {
	var cols [3][]Node
	for _, n := range g.Nodes {
		cols[n.Column] = append(cols[n.Column], n)
	}
	sweep := func(c, ref Column) {
		pos := map[string]int{}
		for i, n := range cols[ref] {
			pos[n.ID] = i
		}
		bary := map[string]float64{}
		for _, n := range cols[c] {
			sum, cnt := 0.0, 0
			for _, e := range g.Edges {
				if p, ok := pos[e.From]; ok && e.To == n.ID {
					sum, cnt = sum+float64(p), cnt+1
				}
				if p, ok := pos[e.To]; ok && e.From == n.ID {
					sum, cnt = sum+float64(p), cnt+1
				}
			}
			bary[n.ID] = 1e9 // unconnected nodes go last
			if cnt > 0 {
				bary[n.ID] = sum / float64(cnt)
			}
		}
		slices.SortStableFunc(cols[c], func(a, b Node) int {
			switch {
			case bary[a.ID] < bary[b.ID]:
				return -1
			case bary[a.ID] > bary[b.ID]:
				return 1
			}
			return 0
		})
	}
	sweep(Carriers, Sources)
	sweep(Consumers, Carriers)
	sweep(Carriers, Consumers)
	sweep(Sources, Carriers)
	return cols
}

// layout places the columns side by side, each centred vertically.
func layout(cols [3][]Node) (map[string]placed, float64, float64) {
	boxes := map[string]placed{}
	tallest := 0
	for _, c := range cols {
		tallest = max(tallest, len(c))
	}
	body := float64(tallest)*(nodeH+nodeGapY) - nodeGapY
	x := margin
	for _, c := range cols {
		if len(c) == 0 {
			continue
		}
		w := minNodeW
		for _, n := range c {
			w = max(w, textW(n.Label)+2*padX, textW(n.Sub)*0.92+2*padX)
		}
		h := float64(len(c))*(nodeH+nodeGapY) - nodeGapY
		y := margin + headerH + (body-h)/2
		for _, n := range c {
			boxes[n.ID] = placed{Node: n, x: x, y: y, w: w}
			y += nodeH + nodeGapY
		}
		x += w + colGapX
	}
	return boxes, max(x-colGapX+margin, 2*margin+minNodeW, 560), margin + headerH + body + margin + legendH
}

func textW(s string) float64 { return float64(utf8.RuneCountInString(cut(s))) * charW }

// cut shortens long labels; the full text stays in the node's tooltip.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= maxLabelN {
		return s
	}
	r := []rune(s)
	return string(r[:maxLabelN-1]) + "…"
}

func columnX(boxes map[string]placed, c Column) (float64, bool) {
	for _, p := range boxes {
		if p.Column == c {
			return p.x, true
		}
	}
	return 0, false
}

var fills = [...]string{"#eef3fb", "#fff7e6", "#eaf7ee"}

func writeNode(b *strings.Builder, p placed) {
	fill, stroke := fills[p.Column], "#9ca3af"
	if p.Risk {
		fill, stroke = "#fde8e8", "#c0392b"
	}
	title := p.Label
	if p.Sub != "" {
		title += " (" + p.Sub + ")"
	}
	fmt.Fprintf(b, `<g class="node" data-column="%d" data-id="%s"><title>%s</title>`, p.Column, html.EscapeString(p.ID), html.EscapeString(title))
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="6" fill="%s" stroke="%s"/>`, p.x, p.y, p.w, nodeH, fill, stroke)
	ty := p.y + nodeH/2 + 4
	if p.Sub != "" {
		ty = p.y + 16
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="#4b5563">%s</text>`, p.x+padX, p.y+31, html.EscapeString(cut(p.Sub)))
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" fill="#111827">%s</text></g>`+"\n", p.x+padX, ty, html.EscapeString(cut(p.Label)))
}

func writeEdge(b *strings.Builder, from, to placed, e Edge) {
	x1, y1 := from.x+from.w, from.y+nodeH/2
	x2, y2 := to.x, to.y+nodeH/2
	mx := (x1 + x2) / 2
	color, marker := "#6b7280", "arrow"
	if e.Risk {
		color, marker = "#c0392b", "arrow-risk"
	}
	dash := ""
	switch e.Mode {
	case File:
		dash = ` stroke-dasharray="6 4"`
	case Other:
		dash = ` stroke-dasharray="2 3"`
	}
	fmt.Fprintf(b, `<path class="edge" d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="1.4"%s marker-end="url(#%s)"><title>%s</title></path>`+"\n",
		x1, y1, mx, y1, mx, y2, x2-1, y2, color, dash, marker, html.EscapeString(from.Label+" → "+to.Label+labelSuffix(e)))
}

func labelSuffix(e Edge) string {
	if l := e.Label(); l != "" {
		return ": " + l
	}
	return ""
}

// writeLegend explains line styles and the red boxes.
func writeLegend(b *strings.Builder, y float64) {
	x := margin
	items := []struct{ dash, text string }{{"", "env"}, {"6 4", "file"}, {"2 3", "other (kubelet, ingress)"}}
	for _, it := range items {
		dash := ""
		if it.dash != "" {
			dash = ` stroke-dasharray="` + it.dash + `"`
		}
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#6b7280" stroke-width="1.4"%s/>`, x, y, x+34, y, dash)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="#374151">%s</text>`, x+40, y+4, html.EscapeString(it.text))
		x += 60 + textW(it.text)
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="14" height="12" rx="3" fill="#fde8e8" stroke="#c0392b"/>`, x, y-6)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" fill="#374151">hardcoded, public default or dangling</text>`+"\n", x+20, y+4)
}
