package yamltree

import (
	"regexp"
	"strconv"
	"strings"
)

// Elem is one step of a Path: a map key or a list index.
type Elem struct {
	Key     string
	Index   int
	IsIndex bool
}

// Path addresses a value the way users write Helm values:
// airflow.users[0].password, extraManifests[1].stringData["client.key"].
type Path []Elem

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// String renders dotted keys, [N] indices and ["key"] for keys that are not
// identifiers (dots, dashes, slashes, spaces).
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case identRE.MatchString(e.Key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Key)
		default:
			b.WriteString("[")
			b.WriteString(strconv.Quote(e.Key))
			b.WriteString("]")
		}
	}
	return b.String()
}

// Key returns a copy of p extended by a map key. Copying keeps paths held by
// findings independent of the walk that produced them.
func (p Path) Key(k string) Path {
	q := make(Path, len(p), len(p)+1)
	copy(q, p)
	return append(q, Elem{Key: k})
}

// Index returns a copy of p extended by a list index.
func (p Path) Index(i int) Path {
	q := make(Path, len(p), len(p)+1)
	copy(q, p)
	return append(q, Elem{Index: i, IsIndex: true})
}

// Last returns the last map key of the path ("" when it ends in an index
// or is empty).
func (p Path) Last() string {
	if len(p) == 0 || p[len(p)-1].IsIndex {
		return ""
	}
	return p[len(p)-1].Key
}

// Parent returns p without its last element.
func (p Path) Parent() Path {
	if len(p) == 0 {
		return p
	}
	return p[:len(p)-1]
}

// Match reports whether p matches a pattern written as dotted keys where
// "*" matches any single key and "[*]" any index, e.g.
// "airflow.connections[*].password".
func (p Path) Match(pattern Pattern) bool {
	if len(pattern) != len(p) {
		return false
	}
	for i, e := range pattern {
		switch {
		case e.IsIndex:
			if !p[i].IsIndex || (e.Index >= 0 && e.Index != p[i].Index) {
				return false
			}
		case p[i].IsIndex:
			return false
		case e.Key != "*" && e.Key != p[i].Key:
			return false
		}
	}
	return true
}

// HasPrefix reports whether p starts with the pattern.
func (p Path) HasPrefix(pattern Pattern) bool {
	return len(p) >= len(pattern) && p[:len(pattern)].Match(pattern)
}

// Pattern is a parsed path pattern; an index of -1 is a wildcard.
type Pattern []Elem

// ParsePattern parses "a.b[*].c", "a[0]" and `a["x.y"]`. It panics on a
// malformed pattern because patterns are compiled-in catalog data, checked
// by tests, never user input.
func ParsePattern(s string) Pattern {
	p, err := parsePattern(s)
	if err != nil {
		panic("yamltree: bad pattern " + strconv.Quote(s) + ": " + err.Error())
	}
	return p
}

// ParsePath parses a concrete path written by a user (for example in a
// config file); it returns an error instead of panicking.
func ParsePath(s string) (Pattern, error) { return parsePattern(s) }

type patternError string

func (e patternError) Error() string { return string(e) }

func parsePattern(s string) (Pattern, error) {
	var p Pattern
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, `["`):
			end := strings.Index(s[2:], `"]`)
			if end < 0 {
				return nil, patternError("unterminated [\"")
			}
			k, err := strconv.Unquote(s[1 : end+3])
			if err != nil {
				return nil, err
			}
			p = append(p, Elem{Key: k})
			s = s[end+4:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, patternError("unterminated [")
			}
			idx := s[1:end]
			if idx == "*" {
				p = append(p, Elem{Index: -1, IsIndex: true})
			} else {
				n, err := strconv.Atoi(idx)
				if err != nil {
					return nil, patternError("bad index " + idx)
				}
				p = append(p, Elem{Index: n, IsIndex: true})
			}
			s = s[end+1:]
		case s[0] == '.':
			s = s[1:]
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			p = append(p, Elem{Key: s[:end]})
			s = s[end:]
		}
	}
	return p, nil
}
