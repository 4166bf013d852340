// Package report writes findings for humans (text) and machines (JSON,
// SARIF 2.1.0). Reporters receive findings whose secrets are already
// redact.Values: nothing here can print a secret unless the caller asked
// for it with Input.ShowSecrets.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Input is what every reporter writes.
type Input struct {
	Tool     Tool
	Findings []finding.Finding
	Rules    []rule.Meta
	// Files are the inputs scanned, in order (text output names clean ones).
	Files []string
	Chart string
	Notes []string
	// ShowSecrets prints secrets in full; only set on explicit request.
	ShowSecrets bool
	// VCS describes the repository of a git history scan; nil otherwise.
	VCS *VCS
}

// Tool identifies airlock in outputs.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	URI     string `json:"uri"`
}

// Reporter writes one format.
type Reporter interface {
	Write(w io.Writer, in *Input) error
}

// Formats lists the supported format names.
var Formats = []string{"text", "json", "sarif"}

// New returns the reporter for a format name.
func New(format string) (Reporter, error) {
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

// value renders a finding's secret as the user asked.
func (in *Input) value(f finding.Finding) string {
	if in.ShowSecrets {
		return f.Secret.Reveal()
	}
	return f.Secret.Mask()
}

// Summary counts findings by severity and class.
type Summary struct {
	Total      int            `json:"total"`
	BySeverity map[string]int `json:"bySeverity"`
	ByClass    map[string]int `json:"byClass"`
}

func summarize(fs []finding.Finding) Summary {
	s := Summary{Total: len(fs), BySeverity: map[string]int{}, ByClass: map[string]int{}}
	for _, f := range fs {
		s.BySeverity[f.Severity.String()]++
		s.ByClass[string(f.Class)]++
	}
	return s
}

func usedRules(in *Input) []rule.Meta {
	used := map[string]bool{}
	for _, f := range in.Findings {
		used[f.RuleID] = true
	}
	var out []rule.Meta
	for _, m := range in.Rules {
		if used[m.ID] {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
