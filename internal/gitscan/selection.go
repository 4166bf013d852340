package gitscan

import (
	"bytes"
	"path"
	"strings"

	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// deployDirs are directory names under which YAML files are deployment
// configuration, whatever their names.
var deployDirs = map[string]bool{
	"helm": true, "charts": true, "chart": true, "deploy": true, "deployment": true, "deployments": true,
	"k8s": true, "kube": true, "kubernetes": true, "manifests": true, "values": true,
}

// isYAML reports a .yaml or .yml file name.
func isYAML(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// valuesName reports a file named like Helm values: values.yaml,
// values-prod.yml, prod.values.yaml, prod-values.yaml.
func valuesName(p string) bool {
	if !isYAML(p) {
		return false
	}
	base := strings.ToLower(path.Base(p))
	stem := strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
	return strings.HasPrefix(stem, "values") || strings.HasSuffix(stem, ".values") ||
		strings.HasSuffix(stem, "-values") || strings.HasSuffix(stem, "_values")
}

// byName reports a path airlock scans without looking inside: values
// files, and YAML files under a deployment directory.
func byName(p string) bool {
	if valuesName(p) {
		return true
	}
	if !isYAML(p) {
		return false
	}
	for _, dir := range strings.Split(path.Dir(p), "/") {
		if deployDirs[strings.ToLower(dir)] {
			return true
		}
	}
	return false
}

// byContent reports YAML that is a Kubernetes manifest (apiVersion and
// kind at the top of a document) or values for an Airflow chart, so
// files with other names are scanned too, while CI workflows and compose
// files are left alone.
func byContent(f *yamltree.File) bool {
	for _, d := range f.Docs {
		root := d.Root
		if root == nil || root.Kind != yamltree.Map {
			continue
		}
		if root.Get("apiVersion").IsString() && root.Get("kind").IsString() {
			return true
		}
		if fam, _ := catalog.DetectFamily(root); fam != rule.UnknownChart {
			return true
		}
	}
	return false
}

// binary applies git's own test: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	head := data
	if len(head) > 8000 {
		head = head[:8000]
	}
	return bytes.IndexByte(head, 0) >= 0
}
