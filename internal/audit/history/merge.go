package history

import (
	"fmt"
	"strconv"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
)

// occurrence is one value found in one or more revisions.
type occurrence struct {
	f         finding.Finding // from the newest revision holding it
	revs      []audit.Revision
	inCurrent bool
}

// merge turns per-revision scan results (oldest first) into one finding
// per distinct value: the same secret at the same path in revisions 1-4 is
// one finding listing them; a changed secret at that path is another. A
// public chart default matters only where it is in effect, so insecure
// defaults are taken from the deployed revision alone.
func merge(s audit.ReleaseSummary, results []revResult) ([]audit.Finding, []string) {
	type key struct {
		path   string
		class  finding.Class
		secret redact.Value // compared in memory; never printed
	}
	var order []key
	occ := map[key]*occurrence{}
	var notes []string
	for _, r := range results {
		isCurrent := r.rel.Revision == s.Current
		if isCurrent {
			notes = append(notes, r.res.Notes...)
		}
		rev := audit.Revision{Revision: r.rel.Revision, Deployed: r.rel.Deployed, Status: r.rel.Status}
		for _, f := range r.res.Findings {
			if f.Class == finding.InsecureDefault && !isCurrent {
				continue
			}
			k := key{path: f.Path, class: f.Class, secret: f.Secret}
			o := occ[k]
			if o == nil {
				o = &occurrence{}
				occ[k] = o
				order = append(order, k)
			}
			o.f = f
			o.revs = append(o.revs, rev)
			o.inCurrent = o.inCurrent || isCurrent
		}
	}
	out := make([]audit.Finding, 0, len(order))
	for _, k := range order {
		out = append(out, build(s, occ[k]))
	}
	return out, notes
}

func build(s audit.ReleaseSummary, o *occurrence) audit.Finding {
	f := o.f
	obj := audit.Object{Kind: audit.HelmRelease, Namespace: s.Namespace, Name: s.Name}
	detail := &audit.ReleaseDetail{Name: s.Name, Namespace: s.Namespace, Chart: s.Chart, Storage: s.Storage,
		Revisions: o.revs, Current: s.Current, InCurrent: o.inCurrent}
	where := fmt.Sprintf("Helm release %s/%s %s", s.Namespace, s.Name, revisionsPhrase(o.revs))
	switch {
	case f.Class == finding.InsecureDefault:
		f.Origin = audit.OriginReleaseCurrent
		f.Message = fmt.Sprintf("%s; in effect in the deployed revision %d of Helm release %s/%s (chart %s)", f.Message, s.Current, s.Namespace, s.Name, s.Chart)
	case o.inCurrent:
		f.Origin = audit.OriginReleaseCurrent
		f.Message = fmt.Sprintf("%s; in %s, including the deployed revision %d", f.Message, where, s.Current)
		f.Remediation += " Then rotate the credential: Helm keeps the values of every revision in its release records, which anyone who can read the namespace's Secrets can decode."
	default:
		f.Origin = audit.OriginReleaseHistory
		f.Message = fmt.Sprintf("%s; no longer in the deployed revision %d, but still in the release history: %s", f.Message, s.Current, where)
		f.Remediation = fmt.Sprintf("Rotate the credential (it was deployed, and the old value stays readable in Helm's release records), then trim the history: delete the records %s or run helm upgrade with --history-max so Helm prunes them.", records(s, o.revs))
	}
	// No line of the marshalled values means anything to a user: the
	// release and revisions locate the value, the path identifies it.
	f.Loc, f.Default = finding.Location{}, finding.Location{}
	f.Fingerprint = audit.Fingerprint(f.RuleID, obj.URI(), f.Path, f.Origin, strconv.Itoa(o.revs[0].Revision))
	return audit.Finding{Finding: f, Check: audit.ReleaseHistory, Object: obj, Release: detail}
}

func revisionsPhrase(revs []audit.Revision) string {
	word := "revision"
	if len(revs) > 1 {
		word = "revisions"
	}
	s := word + " " + revisionList(revs)
	first, last := revs[0].Deployed, revs[len(revs)-1].Deployed
	switch {
	case first.IsZero():
	case len(revs) == 1 || first.UTC().Format("2006-01-02") == last.UTC().Format("2006-01-02"):
		s += " (" + first.UTC().Format("2006-01-02") + ")"
	default:
		s += " (" + first.UTC().Format("2006-01-02") + " to " + last.UTC().Format("2006-01-02") + ")"
	}
	return s
}

func records(s audit.ReleaseSummary, revs []audit.Revision) string {
	kind := "Secrets"
	if s.Storage != "" && s.Storage != "Secret" {
		kind = s.Storage + "s"
	}
	first := "sh.helm.release.v1." + s.Name + ".v" + strconv.Itoa(revs[0].Revision)
	if len(revs) == 1 {
		return fmt.Sprintf("(%s %s)", kind, first)
	}
	return fmt.Sprintf("(%s %s ... .v%d)", kind, first, revs[len(revs)-1].Revision)
}
