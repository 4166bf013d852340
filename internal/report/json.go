package report

import (
	"encoding/json"
	"io"

	"github.com/airlockhq/airlock/internal/finding"
)

// JSON writes one document with the findings, a summary and notes. Field
// names are stable: automation reads them.
type JSON struct{}

var _ Reporter = JSON{}

type jsonLocation struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Document int    `json:"document"`
}

type jsonFinding struct {
	RuleID      string        `json:"ruleId"`
	Class       string        `json:"class"`
	Severity    string        `json:"severity"`
	ValuesPath  string        `json:"valuesPath"`
	Location    *jsonLocation `json:"location,omitempty"`
	Inherited   bool          `json:"inherited"`
	Default     *jsonLocation `json:"defaultLocation,omitempty"`
	Message     string        `json:"message"`
	Value       string        `json:"value"`
	Remediation string        `json:"remediation"`
	Fix         string        `json:"fix,omitempty"`
	Fingerprint string        `json:"fingerprint"`
	History     *jsonHistory  `json:"history,omitempty"`
}

type jsonReport struct {
	Tool     Tool          `json:"tool"`
	Chart    string        `json:"chart"`
	Files    []string      `json:"files"`
	Notes    []string      `json:"notes"`
	Summary  Summary       `json:"summary"`
	Findings []jsonFinding `json:"findings"`
}

func loc(l finding.Location) *jsonLocation {
	if l.IsZero() {
		return nil
	}
	return &jsonLocation{File: l.File, Line: l.Line, Column: l.Col, Document: l.Doc}
}

// Write implements Reporter.
func (JSON) Write(w io.Writer, in *Input) error {
	r := jsonReport{Tool: in.Tool, Chart: in.Chart, Files: in.Files, Notes: in.Notes, Summary: summarize(in.Findings), Findings: []jsonFinding{}}
	if r.Files == nil {
		r.Files = []string{}
	}
	if r.Notes == nil {
		r.Notes = []string{}
	}
	for _, f := range in.Findings {
		r.Findings = append(r.Findings, jsonFinding{
			RuleID: f.RuleID, Class: string(f.Class), Severity: f.Severity.String(), ValuesPath: f.Path,
			Location: loc(f.Loc), Inherited: f.Loc.IsZero(), Default: loc(f.Default),
			Message: f.Message, Value: in.value(f), Remediation: f.Remediation, Fix: f.Fix, Fingerprint: f.Fingerprint,
			History: historyJSON(f),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
