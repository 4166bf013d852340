package finding

import "time"

// Commit identifies the git commit a finding from history points at.
type Commit struct {
	ID      string
	Author  string
	Email   string
	Date    time.Time
	Subject string
}

// History is what a finding read from git history adds: the commit that
// introduced the secret and whether the tip still holds it. A secret that
// is gone from the tip still sits in every clone, so it must be rotated;
// deleting the line did not revoke it.
type History struct {
	Introduced Commit
	// AtHead reports that the tip's version of the file (followed through
	// renames) still holds the secret; Head is where.
	AtHead bool
	Head   Location
	// Commits counts the scanned commits that wrote a version of the file
	// holding the secret (the introducing one included).
	Commits int
	// Boundary is set when the introducing commit is at the edge of a
	// shallow clone: the secret may be older than that commit.
	Boundary bool
}

// Status is "present" when the tip still holds the secret, else "removed".
func (h *History) Status() string {
	if h.AtHead {
		return "present"
	}
	return "removed"
}
