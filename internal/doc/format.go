package doc

import (
	"bytes"
	_ "embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	"text/template"

	"github.com/airlockhq/airlock/internal/audit/policy"
)

// Format is an output format.
type Format string

// Formats.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
)

// Formats lists the formats for help texts.
var Formats = []string{string(Markdown), string(HTML)}

// ParseFormat reads a format name; "md" and "htm" are accepted.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "markdown", "md":
		return Markdown, nil
	case "html", "htm":
		return HTML, nil
	}
	return "", fmt.Errorf("unknown format %q (want markdown or html)", s)
}

// FormatFor guesses the format from an output file name.
func FormatFor(name string) (Format, bool) {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".html"), strings.HasSuffix(lower, ".htm"):
		return HTML, true
	case strings.HasSuffix(lower, ".md"), strings.HasSuffix(lower, ".markdown"):
		return Markdown, true
	}
	return "", false
}

//go:embed templates/doc.md.tmpl
var markdownTmpl string

//go:embed templates/doc.html.tmpl
var htmlTmpl string

//go:embed templates/style.css
var styleCSS string

// Render writes the document in a format. The output depends on nothing
// but the model, so the same deployment always gives the same bytes.
func Render(d *Document, f Format) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case Markdown:
		var t *template.Template
		t, err = template.New("doc.md").Funcs(funcs(d)).Parse(markdownTmpl)
		if err == nil {
			err = t.Execute(&buf, d)
		}
	case HTML:
		var t *htmltemplate.Template
		fm := htmltemplate.FuncMap(funcs(d))
		fm["svg"] = func() htmltemplate.HTML { return htmltemplate.HTML(d.SVG) } // built with escaping by package diagram
		fm["css"] = func() htmltemplate.CSS { return htmltemplate.CSS(styleCSS) }
		t, err = htmltemplate.New("doc.html").Funcs(fm).Parse(htmlTmpl)
		if err == nil {
			err = t.Execute(&buf, d)
		}
	default:
		return nil, fmt.Errorf("unknown format %q", f)
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", f, err)
	}
	return tidy(buf.Bytes()), nil
}

var blankRuns = regexp.MustCompile(`\n{3,}`)

// tidy collapses the blank lines template actions leave behind.
func tidy(b []byte) []byte {
	b = blankRuns.ReplaceAll(b, []byte("\n\n"))
	return append(bytes.TrimRight(b, "\n"), '\n')
}

// funcs are the helpers both templates share.
func funcs(d *Document) map[string]any {
	return map[string]any{
		"md":        mdText,
		"cell":      mdCell,
		"code":      mdCode,
		"join":      strings.Join,
		"kindLabel": kindLabel,
		"limit": func(k policy.Kind) string {
			for _, r := range d.Rotation {
				if r.Kind == k {
					return r.Limit
				}
			}
			return ""
		},
		"count": func(st Status) int {
			n := 0
			for _, s := range d.Secrets {
				if s.Status == st {
					n++
				}
			}
			return n
		},
		"statuses":    func() []Status { return Statuses },
		"statusClass": func(st Status) string { return strings.ReplaceAll(string(st), " ", "-") },
		"icon":        statusIcon,
		"summary":     sourceSummary,
		"readers":     readerSummary,
		"findingsOf": func(id string) []Finding {
			var out []Finding
			for _, f := range d.Findings {
				if f.SecretID == id {
					out = append(out, f)
				}
			}
			return out
		},
	}
}

func statusIcon(st Status) string {
	switch st {
	case InsecureDefault, Hardcoded:
		return "✖"
	case Dangling, NotSet:
		return "⚠"
	}
	return "✔"
}

// sourceSummary is a short description of where a secret's value comes
// from, for the inventory table.
func sourceSummary(s *Secret) string {
	var parts []string
	for _, src := range s.Sources {
		var p string
		switch src.Kind {
		case FromValues:
			p = "hardcoded in " + src.Where
		case FromDefault:
			p = "chart default"
		case FromSecret:
			p = "Secret " + src.Secret
			if src.Key != "" && !src.whole {
				p += "/" + src.Key
			}
			if src.Provider.Kind == ByExternalSecret {
				p += " ← " + src.Provider.Store
			}
		case FromCommand:
			p = "_CMD file"
			if src.Secret != "" {
				p += " from Secret " + src.Secret + "/" + src.Key
			}
		case FromBackend:
			p = "secrets backend"
		case FromConfigMap:
			p = "ConfigMap"
		case FromTemplate:
			p = "undefined template"
		default:
			p = "not set"
		}
		if !contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

// readerSummary counts the components that read a secret.
func readerSummary(s *Secret) string {
	var comps []string
	for _, c := range s.Consumers {
		if !contains(comps, c.Component) {
			comps = append(comps, c.Component)
		}
	}
	switch {
	case len(comps) == 0 && s.ConsumersNote != "":
		return "—"
	case len(comps) <= 3:
		return strings.Join(comps, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(comps[:3], ", "), len(comps)-3)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	mdSpecial   = strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "<", "&lt;", ">", "&gt;", "[", `\[`, "]", `\]`, "#", `\#`)
	mdUnderline = regexp.MustCompile(`(^|[^A-Za-z0-9_])_+|_+([^A-Za-z0-9_]|$)`)
)

// mdText escapes text for Markdown: emphasis and link characters, HTML,
// and underscores that would start or end emphasis (inside a word, as in
// AIRFLOW__CORE__FERNET_KEY, they are literal in CommonMark).
func mdText(s string) string {
	s = mdSpecial.Replace(s)
	return mdUnderline.ReplaceAllStringFunc(s, func(m string) string { return strings.ReplaceAll(m, "_", `\_`) })
}

// mdCell is mdText for a table cell: pipes escaped, one line.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(mdText(s)), " "), "|", `\|`)
}

// mdCode wraps text in a code span long enough not to be closed by the
// text's own backticks.
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
