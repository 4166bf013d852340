package chart

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/chart/common"
	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/engine"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// RenderOptions are the release settings `helm template` takes.
type RenderOptions struct {
	Release   string // default "airflow"
	Namespace string // default "default"
	// KubeVersion overrides the default capabilities' Kubernetes version.
	KubeVersion string
}

// Manifest is one rendered Kubernetes object document.
type Manifest struct {
	// Template is the chart file that produced it, e.g. airflow/templates/config/secret-config-envs.yaml.
	Template string
	Doc      *yamltree.Document
}

// Kind, Name and Namespace read the object's identity ("" when absent).
func (m Manifest) Kind() string { return m.Doc.Root.Get("kind").Text() }

// Name is metadata.name.
func (m Manifest) Name() string { return m.Doc.Root.Lookup("metadata", "name").Text() }

// RenderError is a template failure, with the template and line Helm named.
type RenderError struct{ Err error }

func (e *RenderError) Error() string { return "render chart: " + e.Err.Error() }
func (e *RenderError) Unwrap() []error {
	return []error{e.Err, yamltree.ErrInvalid}
}

var docSep = regexp.MustCompile(`(?m)^---\s*$`)

// Render renders the chart in-process with the Helm SDK, as `helm template`
// does: user values (already merged, as from -f and --set) coalesced over
// the chart's defaults, release options, default capabilities. NOTES.txt
// and partials are dropped; every remaining document is parsed with
// positions so findings in rendered output can say which template made it.
func (c *Chart) Render(ctx context.Context, vals map[string]any, o RenderOptions) ([]Manifest, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Release == "" {
		o.Release = "airflow"
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	caps := common.DefaultCapabilities.Copy()
	if o.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(o.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("kube version: %w", err)
		}
		caps.KubeVersion = *kv
	}
	rv, err := chartutil.ToRenderValues(c.Helm, vals, common.ReleaseOptions{Name: o.Release, Namespace: o.Namespace, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return nil, &RenderError{err}
	}
	files, err := engine.Render(c.Helm, rv)
	if err != nil {
		return nil, &RenderError{err}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Manifest
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") || base == "NOTES.txt" || !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")) {
			continue
		}
		for _, part := range docSep.Split(files[name], -1) {
			if strings.TrimSpace(part) == "" {
				continue
			}
			src := &yamltree.Source{Name: name, Kind: yamltree.Rendered}
			f, err := yamltree.Parse(src, []byte(part), yamltree.DefaultLimits)
			if err != nil {
				return nil, &RenderError{fmt.Errorf("template %s produced invalid YAML: %w", name, err)}
			}
			for _, d := range f.Docs {
				if d.Root != nil && d.Root.Kind == yamltree.Map {
					out = append(out, Manifest{Template: name, Doc: d})
				}
			}
		}
	}
	return out, nil
}
