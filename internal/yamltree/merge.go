package yamltree

// Effective computes the values Helm renders a chart with: the user
// documents are merged in order (later files win, maps merge deeply, lists
// and scalars replace, an explicit null overrides), then coalesced over the
// chart defaults, where a null deletes the default. Every leaf keeps its
// own Src and Pos, so callers can tell a chart default from a user line.
//
// Only map roots take part, as in Helm, which rejects other roots.
func Effective(defaults *Node, users ...*Node) *Node {
	var merged *Node
	for _, u := range users {
		if u == nil || u.Kind != Map {
			continue
		}
		if merged == nil {
			merged = u
			continue
		}
		merged = mergeMaps(merged, u)
	}
	if defaults == nil || defaults.Kind != Map {
		defaults = &Node{Kind: Map, Tag: "map"}
	}
	if merged == nil {
		return dropNulls(defaults)
	}
	return coalesce(merged, defaults)
}

// mergeMaps is Helm's merge of -f files: b wins, maps recurse.
func mergeMaps(a, b *Node) *Node {
	out := &Node{Kind: Map, Tag: "map", Pos: b.Pos, Src: b.Src}
	index := map[string]int{}
	for _, e := range last(a.Entries) {
		index[e.Key] = len(out.Entries)
		out.Entries = append(out.Entries, e)
	}
	for _, e := range last(b.Entries) {
		i, ok := index[e.Key]
		if !ok {
			index[e.Key] = len(out.Entries)
			out.Entries = append(out.Entries, e)
			continue
		}
		prev := out.Entries[i].Value
		if e.Value.Kind == Map && prev != nil && prev.Kind == Map {
			e.Value = mergeMaps(prev, e.Value)
		}
		out.Entries[i] = e
	}
	return out
}

// coalesce is Helm's coalescing of user values (u) over defaults (d).
func coalesce(u, d *Node) *Node {
	out := &Node{Kind: Map, Tag: "map", Pos: u.Pos, Src: u.Src, Anchor: u.Anchor}
	have := map[string]bool{}
	for _, e := range last(u.Entries) {
		have[e.Key] = true
		dv := d.Get(e.Key)
		switch {
		case e.Value.Kind == Null:
			continue // null deletes the default, and means "unset" otherwise
		case e.Value.Kind == Map && dv != nil && dv.Kind == Map:
			e.Value = coalesce(e.Value, dv)
		case e.Value.Kind == Map:
			e.Value = dropNulls(e.Value)
		}
		out.Entries = append(out.Entries, e)
	}
	for _, e := range last(d.Entries) {
		if have[e.Key] || e.Value.Kind == Null {
			continue
		}
		if e.Value.Kind == Map {
			e.Value = dropNulls(e.Value)
		}
		out.Entries = append(out.Entries, e)
	}
	return out
}

// dropNulls removes null entries below n. It memoises by node because
// aliases make the tree a DAG: without it, a map aliased at every level
// would be expanded exponentially.
func dropNulls(n *Node) *Node {
	return dropNullsMemo(n, map[*Node]*Node{})
}

func dropNullsMemo(n *Node, memo map[*Node]*Node) *Node {
	if n.Kind != Map {
		return n
	}
	if m, ok := memo[n]; ok {
		return m
	}
	memo[n] = n // a placeholder; cycles are impossible (rejected by Parse)
	clean := true
	for _, e := range n.Entries {
		if e.Value.Kind == Null || e.Value.Kind == Map {
			clean = false
			break
		}
	}
	if clean {
		return n
	}
	out := *n
	out.Entries = nil
	for _, e := range last(n.Entries) {
		if e.Value.Kind == Null {
			continue
		}
		e.Value = dropNullsMemo(e.Value, memo)
		out.Entries = append(out.Entries, e)
	}
	memo[n] = &out
	return &out
}

// last drops earlier duplicates of a key, keeping the position of the
// winning (last) one, which is what Helm's YAML reader does.
func last(entries []Entry) []Entry {
	seen := make(map[string]int, len(entries))
	dup := false
	for i, e := range entries {
		if _, ok := seen[e.Key]; ok {
			dup = true
		}
		seen[e.Key] = i
	}
	if !dup {
		return entries
	}
	out := make([]Entry, 0, len(seen))
	for i, e := range entries {
		if seen[e.Key] == i {
			out = append(out, e)
		}
	}
	return out
}
