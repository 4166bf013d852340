package agent

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Dir is where the injector renders secrets in every container of a pod.
const Dir = "/vault/secrets"

// File is one file the agent renders.
type File struct {
	// Name is the file name under Dir and the annotation suffix.
	Name string
	// Secret and Key name the Vault secret (path below the KV mount) and
	// the property a single-value file holds.
	Secret, Key string
	// Entries, for a JSON file, map an Airflow id to the secret holding
	// it: a connection's fields, or a variable's "value" (ValueOnly).
	Entries   []Entry
	ValueOnly bool
}

// Entry is one member of a JSON file.
type Entry struct{ ID, Secret string }

// Path is the file's absolute path in the containers.
func (f File) Path() string { return path.Join(Dir, f.Name) }

// Secrets lists the Vault secrets the file reads.
func (f File) Secrets() []string {
	if f.Entries == nil {
		return []string{f.Secret}
	}
	out := make([]string, len(f.Entries))
	for i, e := range f.Entries {
		out[i] = e.Secret
	}
	return out
}

var nameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)

// maxName keeps "agent-inject-template-" + name within the 63 characters
// of an annotation name.
const maxName = 63 - len("agent-inject-template-")

// Validate checks that the name can be an annotation suffix.
func (f File) Validate() error {
	if len(f.Name) > maxName || !nameRE.MatchString(f.Name) {
		return fmt.Errorf("agent file name %q is not a valid annotation suffix (lower-case letters, digits, '.', '_', '-', at most %d characters)", f.Name, maxName)
	}
	return nil
}

// Template is the consul-template text the agent renders: the value
// exactly (no trailing newline), or a JSON object of connections or
// variables. empty renders "{}" without reading Vault.
func (f File) Template(mount string, empty bool) string {
	data := func(secret string) string { return path.Join(mount, "data", secret) }
	if f.Entries == nil {
		return fmt.Sprintf(`{{- with secret %q -}}{{ index .Data.data %q }}{{- end -}}`, data(f.Secret), f.Key)
	}
	if empty {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{")
	for i, e := range f.Entries {
		if i > 0 {
			b.WriteString(",")
		}
		value := ".Data.data | toJSON"
		if f.ValueOnly {
			value = `index .Data.data "value" | toJSON`
		}
		fmt.Fprintf(&b, "\n  %q: {{ with secret %q }}{{ %s }}{{ end }}", e.ID, data(e.Secret), value)
	}
	b.WriteString("\n}")
	return b.String()
}
