package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/finding"
)

// Text groups findings by check, most severe first, and ends with what
// could not be checked and a summary.
type Text struct{}

var _ Writer = Text{}

// Write implements Writer.
func (Text) Write(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	r := in.Result
	fmt.Fprintf(bw, "airlock audit of %s (context %s, Kubernetes %s)\n", r.Server, r.Context, r.ServerVersion)
	fmt.Fprintf(bw, "namespaces: %s\n", orNone(strings.Join(r.Namespaces, ", ")))
	for _, rel := range r.Releases {
		fmt.Fprintf(bw, "release %s/%s: %s, %d revisions, current revision %d (%s), stored in %ss\n",
			rel.Namespace, rel.Name, rel.Chart, rel.Revisions, rel.Current, rel.Status, rel.Storage)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	for _, c := range audit.Checks {
		writeCheck(bw, in, c)
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(bw, "\n== Not checked ==\n")
		for _, g := range r.Gaps {
			fmt.Fprintf(bw, "  %s: %s\n", g.Check.Title(), g)
		}
	}
	writeSummary(bw, r)
	return bw.Flush()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func writeCheck(w io.Writer, in *Input, c audit.Check) {
	var main, platform []audit.Finding
	for _, f := range in.Result.Findings {
		switch {
		case f.Check != c:
		case f.Access != nil && f.Access.Platform:
			platform = append(platform, f)
		default:
			main = append(main, f)
		}
	}
	if len(main)+len(platform) == 0 {
		return
	}
	fmt.Fprintf(w, "\n== %s ==\n", c.Title())
	for _, f := range main {
		fmt.Fprintf(w, "  %s  %s  [%s]\n", strings.ToUpper(f.Severity.String()), where(f), f.RuleID)
		fmt.Fprintf(w, "      %s\n", f.Message)
		if !f.Secret.IsZero() {
			fmt.Fprintf(w, "      value: %s\n", in.value(f))
		}
		fmt.Fprintf(w, "      fix:   %s\n", f.Remediation)
	}
	if len(platform) > 0 {
		fmt.Fprintf(w, "  expected readers (Kubernetes system identities, cluster admins, or listed in .airlock.yaml):\n")
		for _, f := range platform {
			fmt.Fprintf(w, "    %s  %s (%s)\n", strings.ToUpper(f.Severity.String()), f.Access.Subject, f.Access.Scope)
		}
	}
}

// where is the finding's identifier: the object, and the values or field
// path inside it.
func where(f audit.Finding) string {
	s := f.Object.String()
	if f.Release != nil {
		s = f.Object.URI()
	}
	if f.Path != "" {
		s += "  " + f.Path
	}
	return s
}

func writeSummary(w io.Writer, r *audit.Result) {
	s := summarize(r)
	if s.Total == 0 {
		fmt.Fprintf(w, "\nno findings in %s", orNone(strings.Join(r.Namespaces, ", ")))
	} else {
		var parts []string
		for _, sev := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low, finding.Info} {
			if n := s.BySeverity[sev.String()]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sev))
			}
		}
		fmt.Fprintf(w, "\n%d findings (%s)", s.Total, strings.Join(parts, ", "))
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintf(w, "; %d %s failed, so the audit is incomplete (see Not checked)", len(r.Gaps), plural(len(r.Gaps), "read", "reads"))
	}
	fmt.Fprintln(w)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
