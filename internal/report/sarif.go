package report

import (
	"fmt"
	"io"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/airlockhq/airlock/internal/finding"
)

// SARIF writes a SARIF 2.1.0 log as the scan contract specifies: one
// result per finding with properties.valuesPath and properties.class, a
// physical location only for values written in a user file, and
// partialFingerprints that do not depend on line numbers.
type SARIF struct{}

var _ Reporter = SARIF{}

func level(s finding.Severity) string {
	switch s {
	case finding.Critical, finding.High:
		return "error"
	case finding.Medium:
		return "warning"
	}
	return "note"
}

// Write implements Reporter.
func (SARIF) Write(w io.Writer, in *Input) error {
	rep, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	driver := sarif.NewVersionedDriver(in.Tool.Name, in.Tool.Version).WithInformationURI(in.Tool.URI)
	run := sarif.NewRun(*sarif.NewTool(driver))
	for _, m := range usedRules(in) {
		pb := sarif.NewPropertyBag()
		pb.Add("class", string(m.Class))
		pb.Add("severity", m.Severity.String())
		pb.Add("tags", []string{"security", "secrets", string(m.Class)})
		r := run.AddRule(m.ID).
			WithName(m.Title).
			WithShortDescription(sarif.NewMultiformatMessageString(m.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(m.Description)).
			WithTextHelp(m.Remediation).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(m.Severity)))
		if m.HelpURI != "" {
			r.WithHelpURI(m.HelpURI)
		}
		r.AttachPropertyBag(pb)
	}
	for _, f := range in.Findings {
		text := fmt.Sprintf("%s at %s (value %s). %s", f.Message, f.Path, in.value(f), f.Remediation)
		res := run.CreateResultForRule(f.RuleID).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(text)).
			WithPartialFingerPrints(map[string]interface{}{"airlock/v1": f.Fingerprint})
		if !f.Loc.IsZero() {
			region := sarif.NewRegion().WithStartLine(f.Loc.Line).WithStartColumn(f.Loc.Col)
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(f.Loc.File)).
					WithRegion(region)))
		}
		pb := sarif.NewPropertyBag()
		pb.Add("valuesPath", f.Path)
		pb.Add("class", string(f.Class))
		pb.Add("severity", f.Severity.String())
		pb.Add("inherited", f.Loc.IsZero())
		if !f.Default.IsZero() {
			pb.Add("defaultSource", fmt.Sprintf("%s:%d", f.Default.File, f.Default.Line))
		}
		historyProperties(pb, f)
		res.AttachPropertyBag(pb)
	}
	provenance(run, in.VCS)
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}
