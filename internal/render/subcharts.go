package render

import (
	"strings"

	chartutil "helm.sh/helm/v4/pkg/chart/common/util"

	"github.com/airlockhq/airlock/internal/source/chart"
)

// absentSubcharts lists the Secrets that enabled but missing dependency
// charts would create. `helm template` refuses such a chart; airlock
// renders it anyway, and must not call the subchart's Secret (the
// database password the pods read) dangling. Names follow the Bitnami
// convention the airflow-helm templates assume: fullnameOverride, else
// release-name, with nameOverride replacing the chart name.
func absentSubcharts(c *chart.Chart, vals map[string]any, release string) ([]Provided, error) {
	present := map[string]bool{}
	for _, d := range c.Helm.Dependencies() {
		present[d.Name()] = true
	}
	if c.Helm.Metadata == nil {
		return nil, nil
	}
	cvals, err := chartutil.CoalesceValues(c.Helm, vals)
	if err != nil {
		return nil, err
	}
	var out []Provided
	for _, dep := range c.Helm.Metadata.Dependencies {
		name := dep.Name
		if dep.Alias != "" {
			name = dep.Alias
		}
		if present[dep.Name] || present[name] || !enabled(cvals, dep.Condition) {
			continue
		}
		sub, _ := cvals[name].(map[string]any)
		out = append(out, Provided{Name: fullname(release, dep.Name, sub), By: name})
	}
	return out, nil
}

// enabled evaluates a dependency condition as Helm does: the first path
// that holds a boolean decides; none means enabled.
func enabled(vals map[string]any, condition string) bool {
	for _, p := range strings.Split(condition, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		var cur any = vals
		for _, k := range strings.Split(p, ".") {
			m, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = m[k]
		}
		if b, ok := cur.(bool); ok {
			return b
		}
	}
	return true
}

func fullname(release, chartName string, sub map[string]any) string {
	trunc := func(s string) string {
		if len(s) > 63 {
			s = s[:63]
		}
		return strings.TrimSuffix(s, "-")
	}
	if o, _ := sub["fullnameOverride"].(string); o != "" {
		return trunc(o)
	}
	name := chartName
	if o, _ := sub["nameOverride"].(string); o != "" {
		name = o
	}
	if strings.Contains(release, name) {
		return trunc(release)
	}
	return trunc(release + "-" + name)
}
