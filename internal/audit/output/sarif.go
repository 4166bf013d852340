package output

import (
	"fmt"
	"io"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/airlockhq/airlock/internal/audit"
)

// SARIF writes a SARIF 2.1.0 log: one result per finding. Nothing in a
// cluster is a line of a file, so results have logical locations only:
// the object's URI (helm-release://NS/NAME, k8s://NS/KIND/NAME) and, for
// release findings, the values path, which properties.valuesPath repeats
// as in scan's SARIF. Reads that failed become tool execution
// notifications, and the run is marked unsuccessful when there are any.
type SARIF struct{}

var _ Writer = SARIF{}

// Write implements Writer.
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
		pb.Add("tags", []string{"security", "secrets", "kubernetes", string(m.Class)})
		run.AddRule(m.ID).WithName(m.Title).
			WithShortDescription(sarif.NewMultiformatMessageString(m.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(m.Description)).
			WithTextHelp(m.Remediation).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(m.Severity))).
			AttachPropertyBag(pb)
	}
	for _, f := range in.Result.Findings {
		run.AddResult(result(in, f))
	}
	inv := sarif.NewInvocation().WithExecutionSuccess(len(in.Result.Gaps) == 0)
	for _, g := range in.Result.Gaps {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("warning").
			WithTextMessage(fmt.Sprintf("not checked (%s): %s", g.Check.Title(), g)))
	}
	for _, n := range in.Result.Notes {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("note").WithTextMessage(n))
	}
	run.AddInvocations(inv)
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

func result(in *Input, f audit.Finding) *sarif.Result {
	text := f.Message
	if !f.Secret.IsZero() {
		text += fmt.Sprintf(" (value %s)", in.value(f))
	}
	text += ". " + f.Remediation
	res := sarif.NewRuleResult(f.RuleID).WithLevel(level(f.Severity)).WithMessage(sarif.NewTextMessage(text)).
		WithPartialFingerPrints(map[string]interface{}{"airlock/v1": f.Fingerprint})
	loc := sarif.NewLocation()
	loc.AddLogicalLocations(sarif.NewLogicalLocation().WithKind("resource").WithName(f.Object.Name).WithFullyQualifiedName(f.Object.URI()))
	if f.Path != "" {
		loc.AddLogicalLocations(sarif.NewLogicalLocation().WithKind("property").WithName(f.Path).
			WithFullyQualifiedName(f.Object.URI() + "#" + f.Path))
	}
	res.AddLocation(loc)
	pb := sarif.NewPropertyBag()
	pb.Add("class", string(f.Class))
	pb.Add("severity", f.Severity.String())
	pb.Add("check", string(f.Check))
	pb.Add("origin", f.Origin)
	pb.Add("object", f.Object.URI())
	if f.Check == audit.ReleaseHistory && f.Path != "" {
		pb.Add("valuesPath", f.Path)
	}
	if d := f.Release; d != nil {
		var revs []int
		for _, r := range d.Revisions {
			revs = append(revs, r.Revision)
		}
		pb.Add("revisions", revs)
		pb.Add("currentRevision", d.Current)
		pb.Add("inCurrentRevision", d.InCurrent)
	}
	if d := f.Access; d != nil {
		pb.Add("subject", d.Subject.String())
		pb.Add("scope", string(d.Scope))
		pb.Add("airflowServiceAccount", d.Airflow)
	}
	if d := f.Age; d != nil {
		pb.Add("ageDays", int(d.Age.Hours()/24))
		pb.Add("limitDays", int(d.Limit.Hours()/24))
	}
	res.AttachPropertyBag(pb)
	return res
}
