package detect

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// TextMode says how to read a string that holds a file: Python code needs
// quoted literals, config and YAML text do not.
type TextMode uint8

// Text modes.
const (
	AutoText TextMode = iota
	PythonText
	YAMLText
)

// maxEmbedDepth bounds recursion through strings that hold JSON that holds
// strings that hold YAML.
const maxEmbedDepth = 4

// ScanText finds the first secret in a multi-line string: tokens and URL
// credentials anywhere, then credential assignments (Python, INI, YAML,
// JSON) and Secret manifests embedded as text.
func ScanText(s string, mode TextMode) (Hit, bool) {
	return scanText(s, mode, 0)
}

func scanText(s string, mode TextMode, depth int) (Hit, bool) {
	if depth > maxEmbedDepth {
		return Hit{}, false
	}
	if t, name, ok := ProviderToken(s); ok {
		return Hit{Secret: t, Detail: name, Kind: Token}, true
	}
	if t, d, ok := URLCredential(s); ok {
		return Hit{Secret: t, Detail: d, Kind: URLCred}, true
	}
	trim := strings.TrimSpace(s)
	if (strings.HasPrefix(trim, "{") || strings.HasPrefix(trim, "[")) && json.Valid([]byte(trim)) {
		var v any
		dec := json.NewDecoder(strings.NewReader(trim))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			return scanJSON("", v, depth)
		}
	}
	if mode == AutoText {
		switch {
		case looksLikePython(s):
			mode = PythonText
		case looksLikeManifest(s):
			mode = YAMLText
		}
	}
	if mode == YAMLText {
		if h, ok, parsed := scanYAMLText(s, depth); parsed {
			return h, ok
		}
	}
	return scanAssignments(s, mode == PythonText)
}

func scanJSON(key string, v any, depth int) (Hit, bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if h, ok := scanJSON(k, x, depth); ok {
				return h, ok
			}
		}
	case []any:
		for _, x := range t {
			if h, ok := scanJSON(key, x, depth); ok {
				return h, ok
			}
		}
	case string:
		if ClassifyKey(key) == Credential && !NotSecret(t) {
			return Hit{Secret: t, Detail: "credential \"" + key + "\" in JSON", Kind: Embedded}, true
		}
		if ClassifyKey(key) == Reference || ClassifyKey(key) == Identity {
			return Hit{}, false
		}
		if strings.Contains(t, "\n") || strings.HasPrefix(strings.TrimSpace(t), "{") {
			return scanText(t, AutoText, depth+1)
		}
		if h, ok := Inspect(t); ok {
			return h, true
		}
	case json.Number:
		if ClassifyKey(key) == Credential {
			return Hit{Secret: t.String(), Detail: "credential \"" + key + "\" in JSON", Kind: Embedded}, true
		}
	}
	return Hit{}, false
}

var (
	pyHintRE       = regexp.MustCompile(`(?m)^\s*(import |from \S+ import |def |class \w|[A-Z_][A-Z0-9_]* = )`)
	manifestHintRE = regexp.MustCompile(`(?m)^\s*(apiVersion|kind):\s`)
	dqAssignRE     = regexp.MustCompile(`(?:^|[\s,{(\[])["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::|=|=>)\s*[rbuf]?"((?:[^"\\]|\\.)*)"`)
	sqAssignRE     = regexp.MustCompile(`(?:^|[\s,{(\[])["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*(?::|=|=>)\s*[rbuf]?'((?:[^'\\]|\\.)*)'`)
	plainAssignRE  = regexp.MustCompile(`^\s*(?:-\s+)?-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)\s*[:=]\s*([^\s#'"|>&*!{\[][^#]*?)\s*(?:\s#.*)?$`)
	templateRE     = regexp.MustCompile(`\{\{-?.*?-?\}\}`)
)

func looksLikePython(s string) bool   { return pyHintRE.MatchString(s) }
func looksLikeManifest(s string) bool { return manifestHintRE.MatchString(s) }

// scanAssignments reads code or config line by line for credential keys
// given literal values. In Python only quoted literals count: anything
// else is an expression (os.environ[...], conf.get(...)).
func scanAssignments(s string, python bool) (Hit, bool) {
	for i, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || strings.HasPrefix(t, ";") {
			continue
		}
		for _, re := range []*regexp.Regexp{dqAssignRE, sqAssignRE} {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				if h, ok := assignment(m[1], m[2], i); ok {
					return h, true
				}
			}
		}
		if python {
			continue
		}
		if m := plainAssignRE.FindStringSubmatch(line); m != nil {
			if h, ok := assignment(m[1], m[2], i); ok {
				return h, true
			}
		}
	}
	return Hit{}, false
}

func assignment(key, val string, line int) (Hit, bool) {
	if ClassifyKey(key) != Credential || NotSecret(val) || strings.HasPrefix(val, "$") {
		return Hit{}, false
	}
	return Hit{Secret: val, Detail: fmt.Sprintf("credential %q on line %d of the embedded text", key, line+1), Kind: Embedded}, true
}

// scanYAMLText parses a string that holds YAML (a pod template, a manifest
// in extraManifests) with Helm expressions neutralised, and scans it with
// the generic rules. parsed is false when it is not YAML after all.
func scanYAMLText(s string, depth int) (h Hit, ok, parsed bool) {
	src := &yamltree.Source{Name: "embedded", Kind: yamltree.Embedded}
	f, err := yamltree.Parse(src, []byte(NeutralizeTemplates(s)), yamltree.Limits{MaxBytes: 8 << 20, MaxDepth: 128, MaxVisits: 200_000})
	if err != nil {
		return Hit{}, false, false
	}
	b := yamltree.NewBudget(f, yamltree.Limits{MaxVisits: 200_000})
	for _, d := range f.Docs {
		_ = yamltree.Walk(d.Root, b, func(c *yamltree.Cursor) bool {
			if ok {
				return false
			}
			if c.Node.Kind == yamltree.Scalar {
				if hit, found := Classify(c); found {
					h, ok = hit, true
					h.Detail = fmt.Sprintf("%s (at %s, line %d of the embedded document)", h.Detail, c.Path, c.Node.Pos.Line)
					h.Kind = Embedded
				}
			}
			return !ok
		})
		if ok {
			break
		}
	}
	return h, ok, true
}

// NeutralizeTemplates makes Helm-templated YAML parseable: lines that hold
// only template actions become blank, inline actions become ${TPL}, which
// every rule treats as a render-time value.
func NeutralizeTemplates(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "{{") {
			continue
		}
		if strings.TrimSpace(templateRE.ReplaceAllString(l, "")) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = templateRE.ReplaceAllString(l, "$${TPL}")
	}
	return strings.Join(lines, "\n")
}
