package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/fix/manifest"
	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/redact"
)

var prefixRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// secretsFile is where the secret-manager values go.
func (o *Options) secretsFile() string {
	if o.SecretsFile != "" {
		return o.SecretsFile
	}
	return filepath.Join(o.Out, "secret-manager-values.yaml")
}

// existing reads the secret values a previous run wrote, so that generated
// values are reused and keys this run does not touch are kept.
func (o *Options) existing() (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if o.Out == "" {
		return out, nil
	}
	if o.Target == TargetExternalSecret {
		data, err := os.ReadFile(o.secretsFile())
		if errors.Is(err, fs.ErrNotExist) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", o.secretsFile(), err)
		}
		vals, err := manifest.ReadValues(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is not a file airlock wrote: %v", ErrUsage, o.secretsFile(), err)
		}
		for remote, props := range vals {
			out[o.Prefix+"-"+remote[strings.LastIndex(remote, "/")+1:]] = props
		}
		return out, nil
	}
	paths, _ := filepath.Glob(filepath.Join(o.Out, o.Prefix+"-*.yaml"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		name, vals, err := manifest.ReadSecret(data)
		if err != nil || filepath.Base(p) != name+".yaml" {
			continue // not one of ours; outputs() refuses to overwrite it
		}
		out[name] = vals
	}
	return out, nil
}

// merged returns the plan's Secret with the keys a previous run wrote and
// this run does not touch.
func merged(s *plan.Secret, existing map[string]string) *plan.Secret {
	out := &plan.Secret{Name: s.Name, Component: s.Component, Items: slices.Clone(s.Items)}
	for k, v := range existing {
		if _, ok := s.Get(k); !ok {
			out.Items = append(out.Items, plan.Item{Key: k, Value: redact.New(v)})
		}
	}
	slices.SortFunc(out.Items, func(a, b plan.Item) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// outputs renders every file the run writes.
func (o *Options) outputs(p *plan.Plan, existing map[string]map[string]string) ([]Output, error) {
	var out []Output
	if len(p.Secrets) == 0 {
		return nil, nil
	}
	add := func(path string, mode os.FileMode, what string, data []byte, err error) error {
		if err != nil {
			return err
		}
		out = append(out, Output{Path: path, Mode: mode, What: what, data: data})
		return nil
	}
	all := &plan.Plan{Prefix: p.Prefix}
	for _, s := range p.Secrets {
		m := merged(s, existing[s.Name])
		all.Secrets = append(all.Secrets, m)
		keys := make([]string, len(m.Items))
		for i, it := range m.Items {
			keys[i] = it.Key
		}
		what := fmt.Sprintf("%s (keys: %s)", s.Name, strings.Join(keys, ", "))
		if o.Target == TargetSecret {
			data, err := manifest.Secret(m, o.Namespace)
			if err := add(filepath.Join(o.Out, s.Name+".yaml"), 0o600, "Secret "+what, data, err); err != nil {
				return nil, err
			}
			continue
		}
		data, err := manifest.ExternalSecret(all, m, o.Store, o.Namespace)
		if err := add(filepath.Join(o.Out, s.Name+".externalsecret.yaml"), 0o644, "ExternalSecret "+what, data, err); err != nil {
			return nil, err
		}
	}
	if o.Target == TargetExternalSecret {
		st := filepath.Join(o.Out, o.Prefix+"-secret-store.yaml")
		if _, err := os.Stat(st); errors.Is(err, fs.ErrNotExist) {
			data, err := manifest.SecretStore(all, o.Store, o.Namespace)
			if err := add(st, 0o644, "SecretStore skeleton (adapt it to your secret manager)", data, err); err != nil {
				return nil, err
			}
		}
		data, err := manifest.Values(all, o.Store)
		if err := add(o.secretsFile(), 0o600, "values to load into the secret manager", data, err); err != nil {
			return nil, err
		}
	}
	return out, o.noClobber(out)
}

// noClobber refuses to replace a file airlock did not write.
func (o *Options) noClobber(outs []Output) error {
	for _, w := range outs {
		data, err := os.ReadFile(w.Path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", w.Path, err)
		}
		if !bytes.Contains(data, []byte("Written by airlock fix")) {
			return fmt.Errorf("%w: %s exists and was not written by airlock; move it or choose another --out", ErrUsage, w.Path)
		}
	}
	return nil
}

// checkLocations refuses to put secret values inside a git work tree.
func (o *Options) checkLocations(outs []Output) error {
	if o.AllowInRepo {
		return nil
	}
	for _, w := range outs {
		if w.Mode&0o077 != 0 {
			continue
		}
		if root, ok := WorkTree(w.Path); ok {
			return fmt.Errorf("%w: %s would hold secret values inside the git work tree %s; write it elsewhere (--out, --secrets-file) or pass --allow-in-repo", ErrUsage, w.Path, root)
		}
	}
	return nil
}

// WorkTree reports the git work tree that contains path, if any: files
// holding secrets must not land there unless the user allows it.
func WorkTree(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir, true
		}
		if parent := filepath.Dir(dir); parent == dir {
			return "", false
		}
	}
}

// write creates the outputs first (so the values never reference a
// Secret that was not written), then replaces each values file
// atomically with its original mode.
func (r *Result) write() error {
	for i, w := range r.Outputs {
		dirMode := os.FileMode(0o755)
		if w.Mode&0o077 == 0 {
			dirMode = 0o700
		}
		if err := os.MkdirAll(filepath.Dir(w.Path), dirMode); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(w.Path), err)
		}
		if err := atomicfile.Write(w.Path, w.data, w.Mode); err != nil {
			return err
		}
		r.Outputs[i].Wrote = true
	}
	for _, f := range r.Files {
		if err := replaceValues(f); err != nil {
			return err
		}
	}
	return nil
}

func replaceValues(f FileChange) error {
	path, err := filepath.EvalSymlinks(f.Name)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	now, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	if !bytes.Equal(now, f.Before) {
		return fmt.Errorf("%s changed while airlock was fixing it; nothing was written to it, run fix again", f.Name)
	}
	return atomicfile.Write(path, f.After, st.Mode().Perm())
}
