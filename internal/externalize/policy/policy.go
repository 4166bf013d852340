package policy

import (
	"slices"

	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// Identity is one reader of secrets and the Kubernetes ServiceAccount its
// pods run as.
type Identity struct {
	// Name is the reader name used in remote.Secret.Readers
	// ("scheduler", "external-secrets", ...).
	Name           string
	ServiceAccount string
	Namespace      string
	// What describes it in comments ("the Airflow scheduler").
	What string
}

// File is one generated file, relative to the output directory.
type File struct {
	Path string
	Data []byte
}

// Pusher is the identity name of the writer grants.
const Pusher = "push"

// readable returns the names of the secrets id reads, sorted.
func readable(secrets []*remote.Secret, id string) []string {
	var out []string
	for _, s := range secrets {
		if slices.Contains(s.Readers, id) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// names returns every secret name, sorted.
func names(secrets []*remote.Secret) []string {
	out := make([]string, 0, len(secrets))
	for _, s := range secrets {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedIDs orders identities by name and drops the ones that read
// nothing.
func sortedIDs(secrets []*remote.Secret, ids []Identity) []Identity {
	out := slices.Clone(ids)
	slices.SortFunc(out, func(a, b Identity) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	out = slices.CompactFunc(out, func(a, b Identity) bool { return a.Name == b.Name })
	return slices.DeleteFunc(out, func(id Identity) bool { return len(readable(secrets, id.Name)) == 0 })
}
