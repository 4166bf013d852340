// Package output writes audit results as text for people, and JSON and
// SARIF 2.1.0 for machines: the same three formats as `airlock scan`.
// Secrets reach it as redact.Values and print masked unless the user
// asked for --show-secrets. Every format lists what could not be checked.
package output

import (
	"fmt"
	"io"
	"sort"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Tool identifies airlock in outputs.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	URI     string `json:"uri"`
}

// Formats lists the format names, the same as scan's.
var Formats = []string{"text", "json", "sarif"}

// Input is what every writer receives.
type Input struct {
	Tool   Tool
	Result *audit.Result
	// Rules describe every rule id a finding may carry (scan and audit).
	Rules       []rule.Meta
	ShowSecrets bool
}

// Writer writes one format.
type Writer interface {
	Write(w io.Writer, in *Input) error
}

// New returns the writer for a format name (report.Formats).
func New(format string) (Writer, error) {
	switch format {
	case "text", "":
		return Text{}, nil
	case "json":
		return JSON{}, nil
	case "sarif":
		return SARIF{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want text, json or sarif)", format)
}

func (in *Input) value(f audit.Finding) string {
	if in.ShowSecrets {
		return f.Secret.Reveal()
	}
	return f.Secret.Mask()
}

// Summary counts findings.
type Summary struct {
	Total      int            `json:"total"`
	BySeverity map[string]int `json:"bySeverity"`
	ByClass    map[string]int `json:"byClass"`
	ByCheck    map[string]int `json:"byCheck"`
	NotChecked int            `json:"notChecked"`
}

func summarize(r *audit.Result) Summary {
	s := Summary{Total: len(r.Findings), BySeverity: map[string]int{}, ByClass: map[string]int{}, ByCheck: map[string]int{}, NotChecked: len(r.Gaps)}
	for _, f := range r.Findings {
		s.BySeverity[f.Severity.String()]++
		s.ByClass[string(f.Class)]++
		s.ByCheck[string(f.Check)]++
	}
	return s
}

func usedRules(in *Input) []rule.Meta {
	used := map[string]bool{}
	for _, f := range in.Result.Findings {
		used[f.RuleID] = true
	}
	var out []rule.Meta
	seen := map[string]bool{}
	for _, m := range in.Rules {
		if used[m.ID] && !seen[m.ID] {
			seen[m.ID] = true
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func level(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "note"
}
