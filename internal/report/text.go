package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
)

// Text is for humans: findings grouped by file with line, values path, the
// redacted value and the YAML to use instead; inherited chart defaults
// last, since no line of the user's files holds them.
type Text struct{}

var _ Reporter = Text{}

// Write implements Reporter.
func (Text) Write(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	for _, n := range in.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	if len(in.Notes) > 0 {
		fmt.Fprintln(bw)
	}
	var inherited []finding.Finding
	file := ""
	shown := map[string]bool{} // fix snippets already printed: long reports stay readable
	for _, f := range in.Findings {
		if f.Loc.IsZero() {
			inherited = append(inherited, f)
			continue
		}
		if f.Loc.File != file {
			if file != "" {
				fmt.Fprintln(bw)
			}
			file = f.Loc.File
			fmt.Fprintln(bw, file)
		}
		fmt.Fprintf(bw, "  %d:%d  %s  %s  [%s]\n", f.Loc.Line, f.Loc.Col, strings.ToUpper(f.Severity.String()), f.Path, f.RuleID)
		writeBody(bw, in, f, shown)
	}
	if len(inherited) > 0 {
		if file != "" {
			fmt.Fprintln(bw)
		}
		fmt.Fprintf(bw, "inherited from chart defaults (%s); no line in your files sets these\n", in.Chart)
		for _, f := range inherited {
			where := ""
			if !f.Default.IsZero() {
				where = fmt.Sprintf(" (default at %s:%d)", f.Default.File, f.Default.Line)
			}
			fmt.Fprintf(bw, "  %s  %s  [%s]%s\n", strings.ToUpper(f.Severity.String()), f.Path, f.RuleID, where)
			writeBody(bw, in, f, shown)
		}
	}
	writeSummary(bw, in)
	return bw.Flush()
}

func writeBody(w io.Writer, in *Input, f finding.Finding, shown map[string]bool) {
	fmt.Fprintf(w, "      %s\n", f.Message)
	if !f.Secret.IsZero() {
		fmt.Fprintf(w, "      value: %s\n", in.value(f))
	}
	writeHistory(w, f)
	fmt.Fprintf(w, "      fix:   %s\n", f.Remediation)
	if f.Fix != "" && shown[f.Fix] {
		fmt.Fprintf(w, "             (values as shown above for %s)\n", f.RuleID)
		return
	}
	if f.Fix != "" {
		shown[f.Fix] = true
		for _, line := range strings.Split(f.Fix, "\n") {
			fmt.Fprintf(w, "             %s\n", line)
		}
	}
}

func writeSummary(w io.Writer, in *Input) {
	if len(in.Findings) == 0 {
		fmt.Fprintf(w, "no hardcoded secrets or insecure defaults in %s (chart: %s)\n", strings.Join(in.Files, ", "), in.Chart)
		return
	}
	s := summarize(in.Findings)
	var parts []string
	for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
		if n := s.BySeverity[sev.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	fmt.Fprintf(w, "\n%d findings (%s): %d hardcoded, %d insecure defaults; chart: %s\n",
		s.Total, strings.Join(parts, ", "), s.ByClass[string(finding.Hardcoded)], s.ByClass[string(finding.InsecureDefault)], in.Chart)
}
