package report

import (
	"fmt"
	"io"
	"time"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/airlockhq/airlock/internal/finding"
)

// VCS identifies the scanned repository and revision of a git scan; SARIF
// writes it as versionControlProvenance.
type VCS struct {
	RepositoryURI string
	Revision      string
	Branch        string
}

// jsonHistory is the "history" object of a finding read from git history.
type jsonHistory struct {
	Commit   string        `json:"commit"`
	Author   string        `json:"author"`
	Email    string        `json:"email"`
	Date     string        `json:"date"`
	Subject  string        `json:"subject"`
	Status   string        `json:"status"` // present | removed
	AtHead   bool          `json:"presentAtHead"`
	Head     *jsonLocation `json:"headLocation,omitempty"`
	Commits  int           `json:"commits"`
	Boundary bool          `json:"shallowBoundary,omitempty"`
}

func historyJSON(f finding.Finding) *jsonHistory {
	h := f.History
	if h == nil {
		return nil
	}
	return &jsonHistory{
		Commit: h.Introduced.ID, Author: h.Introduced.Author, Email: h.Introduced.Email,
		Date: h.Introduced.Date.Format(time.RFC3339), Subject: h.Introduced.Subject,
		Status: h.Status(), AtHead: h.AtHead, Head: loc(h.Head), Commits: h.Commits, Boundary: h.Boundary,
	}
}

// historyProperties adds the introducing commit and the status to a
// SARIF result's properties.
func historyProperties(pb *sarif.PropertyBag, f finding.Finding) {
	h := f.History
	if h == nil {
		return
	}
	pb.Add("commit", h.Introduced.ID)
	pb.Add("author", fmt.Sprintf("%s <%s>", h.Introduced.Author, h.Introduced.Email))
	pb.Add("date", h.Introduced.Date.Format(time.RFC3339))
	pb.Add("commitMessage", h.Introduced.Subject)
	pb.Add("status", h.Status())
	pb.Add("removed", !h.AtHead)
	pb.Add("commits", h.Commits)
	if h.Boundary {
		pb.Add("shallowBoundary", true)
	}
}

// provenance records the scanned repository in a SARIF run.
func provenance(run *sarif.Run, v *VCS) {
	if v == nil || v.RepositoryURI == "" {
		return // the schema requires a repository URI
	}
	d := sarif.NewVersionControlDetails().WithRepositoryURI(v.RepositoryURI)
	if v.Revision != "" {
		d.WithRevisionID(v.Revision)
	}
	if v.Branch != "" {
		d.WithBranch(v.Branch)
	}
	run.AddVersionControlProvenance(d)
}

// writeHistory adds the commit lines of a finding from history to text.
func writeHistory(w io.Writer, f finding.Finding) {
	h := f.History
	if h == nil {
		return
	}
	c := h.Introduced
	id := c.ID
	if len(id) > 12 {
		id = id[:12]
	}
	fmt.Fprintf(w, "      commit: %s %s %s <%s> %q\n", id, c.Date.Format("2006-01-02"), c.Author, c.Email, c.Subject)
	if h.Boundary {
		fmt.Fprintf(w, "              (shallow clone boundary: it may be older)\n")
	}
	if h.AtHead {
		fmt.Fprintf(w, "      status: still present at %s:%d\n", h.Head.File, h.Head.Line)
		return
	}
	fmt.Fprintf(w, "      status: REMOVED, but still in history: rotate it\n")
}
