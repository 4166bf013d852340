package agent

import (
	"path"
	"slices"
	"strings"
)

// Options shape the annotations.
type Options struct {
	// Role is the Kubernetes auth role the agent logs in with.
	Role string
	// Mount is the KV v2 mount; AuthPath the Kubernetes auth mount.
	Mount, AuthPath string
	// InitOnly makes the agent an init container only (pods that run to
	// completion); otherwise an init container renders the files before
	// Airflow starts and a sidecar keeps them current as values rotate.
	InitOnly bool
}

// Annotation keys of the Vault Agent Injector.
const (
	Prefix       = "vault.hashicorp.com/"
	InjectKey    = Prefix + "agent-inject"
	RoleKey      = Prefix + "role"
	secretPrefix = Prefix + "agent-inject-secret-"
	tplPrefix    = Prefix + "agent-inject-template-"
)

// Annotations returns a component's pod annotations for files. Files in
// empty are rendered as "{}" without reading Vault.
func Annotations(files []File, empty map[string]bool, o Options) map[string]string {
	a := map[string]string{
		InjectKey: "true",
		RoleKey:   o.Role,
		// The chart's init containers (check-db, wait-for-db-migrations)
		// already run Airflow and need the files: the agent goes first.
		Prefix + "agent-init-first": "true",
	}
	if o.AuthPath != "" && o.AuthPath != "kubernetes" {
		a[Prefix+"auth-path"] = "auth/" + strings.Trim(o.AuthPath, "/")
	}
	if o.InitOnly {
		a[Prefix+"agent-pre-populate-only"] = "true"
	}
	for _, f := range files {
		secret := path.Join(o.Mount, "data", f.Secret)
		if f.Entries != nil {
			// The annotation needs a path; JSON files read theirs in the
			// template, so name the first (or, for "{}", none at all: the
			// agent only reads what the template reads).
			secret = path.Join(o.Mount, "data", f.Secrets()[0])
		}
		a[secretPrefix+f.Name] = secret
		a[tplPrefix+f.Name] = f.Template(o.Mount, empty[f.Name])
	}
	return a
}

// FileNames lists the file names an annotation set makes the agent render.
func FileNames(a map[string]string) []string {
	var out []string
	for k := range a {
		if name, ok := strings.CutPrefix(k, secretPrefix); ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
