package output

import (
	"encoding/json"
	"io"
	"time"

	"github.com/airlockhq/airlock/internal/audit"
)

// JSON writes one document. Field names are stable: automation reads them.
type JSON struct{}

var _ Writer = JSON{}

type jsonReport struct {
	Tool       Tool                   `json:"tool"`
	Cluster    jsonCluster            `json:"cluster"`
	Namespaces []string               `json:"namespaces"`
	Releases   []audit.ReleaseSummary `json:"releases"`
	Summary    Summary                `json:"summary"`
	Notes      []string               `json:"notes"`
	NotChecked []jsonGap              `json:"notChecked"`
	Findings   []jsonFinding          `json:"findings"`
}

type jsonCluster struct {
	Server  string `json:"server"`
	Context string `json:"context"`
	Version string `json:"version"`
}

type jsonGap struct {
	Check  string `json:"check"`
	What   string `json:"what"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

type jsonObject struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	URI       string `json:"uri"`
}

type jsonFinding struct {
	RuleID      string       `json:"ruleId"`
	Class       string       `json:"class"`
	Severity    string       `json:"severity"`
	Check       string       `json:"check"`
	Origin      string       `json:"origin"`
	Object      jsonObject   `json:"object"`
	ValuesPath  string       `json:"valuesPath,omitempty"`
	FieldPath   string       `json:"fieldPath,omitempty"`
	Message     string       `json:"message"`
	Value       string       `json:"value,omitempty"`
	Remediation string       `json:"remediation"`
	Fix         string       `json:"fix,omitempty"`
	Fingerprint string       `json:"fingerprint"`
	Release     *jsonRelease `json:"release,omitempty"`
	Access      *jsonAccess  `json:"access,omitempty"`
	Age         *jsonAge     `json:"age,omitempty"`
	Sync        *jsonSync    `json:"sync,omitempty"`
}

type jsonRevision struct {
	Revision int        `json:"revision"`
	Deployed *time.Time `json:"deployed,omitempty"`
	Status   string     `json:"status"`
}

type jsonRelease struct {
	Name      string         `json:"name"`
	Namespace string         `json:"namespace"`
	Chart     string         `json:"chart"`
	Storage   string         `json:"storage"`
	Revisions []jsonRevision `json:"revisions"`
	Current   int            `json:"currentRevision"`
	InCurrent bool           `json:"inCurrentRevision"`
}

type jsonAccess struct {
	Subject        audit.Subject `json:"subject"`
	Scope          string        `json:"scope"`
	Verbs          []string      `json:"verbs"`
	Names          []string      `json:"names,omitempty"`
	Airflow        bool          `json:"airflowServiceAccount"`
	Platform       bool          `json:"expected"`
	ReleaseRecords []string      `json:"helmReleaseRecords,omitempty"`
	Grants         []audit.Grant `json:"grants"`
}

type jsonAge struct {
	Kind      string    `json:"kind"`
	Keys      []string  `json:"keys"`
	Changed   time.Time `json:"changed"`
	Since     string    `json:"changedFrom"`
	AgeDays   int       `json:"ageDays"`
	LimitDays int       `json:"limitDays"`
	UsedBy    []string  `json:"usedBy"`
	SyncedBy  string    `json:"externalSecret,omitempty"`
}

type jsonSync struct {
	Target          string     `json:"secret"`
	Ready           *bool      `json:"ready"`
	Reason          string     `json:"reason,omitempty"`
	RefreshInterval string     `json:"refreshInterval"`
	RefreshTime     *time.Time `json:"lastSync,omitempty"`
}

// Write implements Writer.
func (JSON) Write(w io.Writer, in *Input) error {
	r := in.Result
	out := jsonReport{Tool: in.Tool, Cluster: jsonCluster{Server: r.Server, Context: r.Context, Version: r.ServerVersion},
		Namespaces: nonNil(r.Namespaces), Releases: r.Releases, Summary: summarize(r), Notes: nonNil(r.Notes),
		NotChecked: []jsonGap{}, Findings: []jsonFinding{}}
	if out.Releases == nil {
		out.Releases = []audit.ReleaseSummary{}
	}
	for _, g := range r.Gaps {
		out.NotChecked = append(out.NotChecked, jsonGap{Check: string(g.Check), What: g.What, Reason: g.Reason, Detail: g.Detail})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonOf(in, f))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func jsonOf(in *Input, f audit.Finding) jsonFinding {
	j := jsonFinding{RuleID: f.RuleID, Class: string(f.Class), Severity: f.Severity.String(), Check: string(f.Check), Origin: f.Origin,
		Object:  jsonObject{Kind: f.Object.Kind, Namespace: f.Object.Namespace, Name: f.Object.Name, URI: f.Object.URI()},
		Message: f.Message, Remediation: f.Remediation, Fix: f.Fix, Fingerprint: f.Fingerprint}
	if !f.Secret.IsZero() {
		j.Value = in.value(f)
	}
	if f.Check == audit.ReleaseHistory {
		j.ValuesPath = f.Path
	} else {
		j.FieldPath = f.Path
	}
	if d := f.Release; d != nil {
		jr := &jsonRelease{Name: d.Name, Namespace: d.Namespace, Chart: d.Chart, Storage: d.Storage, Current: d.Current, InCurrent: d.InCurrent}
		for _, rv := range d.Revisions {
			jr.Revisions = append(jr.Revisions, jsonRevision{Revision: rv.Revision, Deployed: timePtr(rv.Deployed), Status: rv.Status})
		}
		j.Release = jr
	}
	if d := f.Access; d != nil {
		j.Access = &jsonAccess{Subject: d.Subject, Scope: string(d.Scope), Verbs: d.Verbs, Names: d.Names, Airflow: d.Airflow,
			Platform: d.Platform, ReleaseRecords: d.ReleaseRecords, Grants: d.Grants}
	}
	if d := f.Age; d != nil {
		j.Age = &jsonAge{Kind: d.Kind, Keys: d.Keys, Changed: d.Changed.UTC(), Since: d.Since, AgeDays: int(d.Age.Hours() / 24),
			LimitDays: int(d.Limit.Hours() / 24), UsedBy: d.UsedBy, SyncedBy: d.SyncedBy}
	}
	if d := f.Sync; d != nil {
		j.Sync = &jsonSync{Target: d.Target, Ready: d.Ready, Reason: d.Reason, RefreshInterval: d.RefreshInterval, RefreshTime: timePtr(d.RefreshTime)}
	}
	return j
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
