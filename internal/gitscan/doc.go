// Package gitscan finds secrets in what git holds rather than in the work
// tree: every version of every values file and manifest in a history
// (History), and the content staged for the next commit (Staged).
//
// History reads each distinct file version (blob) once, however many
// commits carry it, scans it with the same chart-aware rules as `airlock
// scan` but merge-free (no chart defaults, no insecure-default findings),
// and then attributes each secret to the oldest commit, in topological
// order, that introduced it. A secret is identified by the file it lives in
// (following renames), its values path and a keyed hash of its value, so
// one secret seen in a thousand commits is one finding, and its presence
// in the tip's tree says whether it is still there or was removed and must
// be rotated. Plaintext secrets are kept only inside redact.Values.
package gitscan
