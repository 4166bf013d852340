package doc

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/airlockhq/airlock/internal/doc/diagram"
	"github.com/airlockhq/airlock/internal/finding"
)

// document assembles the model in its canonical order.
func (b *builder) document() *Document {
	d := &Document{
		Title: cmp.Or(b.cfg.Title, "Secret management of the Airflow deployment"),
		Owner: b.cfg.Owner, Intro: b.cfg.Intro, Date: b.o.Date,
		Inputs: Inputs{ValuesFiles: b.o.Values, Chart: b.chartLabel(), Rendered: b.set != nil, Release: b.release,
			Namespace: cmp.Or(b.o.Namespace, "default"), SecretsFrom: b.o.SecretsFrom, Executor: b.text("airflow.executor"), Command: b.o.Command},
	}
	uniqueIDs(b.secrets)
	d.Secrets = b.secrets
	d.Graph = b.graph()
	if !d.Graph.IsEmpty() {
		d.Mermaid, d.SVG = diagram.Mermaid(d.Graph), diagram.SVG(d.Graph)
	}
	d.Rotation = b.rotation()
	d.Access = b.access(b.docs)
	d.Findings = b.findingRows()
	for _, n := range b.notes {
		if !slices.Contains(d.Notes, n) {
			d.Notes = append(d.Notes, b.scrub(n))
		}
	}
	return d
}

// chartLabel names the chart without its location on disk, so the
// document is the same wherever the chart is checked out.
func (b *builder) chartLabel() string {
	if b.o.Chart == "" {
		return b.in.ChartLabel
	}
	if b.in.Defaults != nil && b.set != nil {
		for _, w := range b.set.Workloads {
			if c := w.Doc.Root.Lookup("metadata", "labels", "chart").Text(); c != "" {
				return c
			}
		}
	}
	return "the chart given with --chart"
}

// uniqueIDs keeps anchors unique: a second entry with the same ID gets a
// numeric suffix, in inventory order.
func uniqueIDs(ss []*Secret) {
	seen := map[string]int{}
	for _, s := range ss {
		seen[s.ID]++
		if n := seen[s.ID]; n > 1 {
			s.ID += "-" + strconv.Itoa(n)
		}
	}
}

// findingRows lists the open findings, worst first, each tied to the
// inventory entry it concerns. Texts are scrubbed of every known secret.
func (b *builder) findingRows() []Finding {
	fs := slices.Clone(b.findings)
	slices.SortStableFunc(fs, func(a, c finding.Finding) int {
		return cmp.Or(cmp.Compare(c.Severity, a.Severity), cmp.Compare(findingWhere(a), findingWhere(c)), cmp.Compare(a.Path, c.Path), cmp.Compare(a.RuleID, c.RuleID))
	})
	var out []Finding
	for _, f := range fs {
		m := b.metas[f.RuleID]
		row := Finding{Severity: f.Severity.String(), Class: string(f.Class), RuleID: f.RuleID, Title: m.Title, Path: f.Path,
			Where: findingWhere(f), Message: b.findingMessage(f, m.Title), Remediation: b.scrub(f.Remediation), HelpURI: m.HelpURI}
		for _, s := range b.secrets {
			if s.bind.claims(f.Path) || slices.ContainsFunc(s.Configured, func(p Place) bool { return p.Path == f.Path && f.Path != "" }) {
				row.SecretID = s.ID
				break
			}
		}
		out = append(out, row)
	}
	return out
}

// findingMessage is the finding's message without its rule title (shown
// apart); insecure-default messages are replaced, because they may quote
// the public default they are about.
func (b *builder) findingMessage(f finding.Finding, title string) string {
	if f.Class == finding.InsecureDefault {
		return ""
	}
	msg := f.Message
	if rest, ok := cutPrefix(msg, title+": "); ok {
		msg = rest
	}
	return b.scrub(msg)
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return s, false
}
