package render

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// LoadManifests reads Kubernetes manifests from files and directories
// (walked recursively; .yaml, .yml and .json files; hidden directories
// skipped), such as the Secrets given with --secrets-from. Only documents
// that are objects (a map with kind) are returned. A missing path or
// malformed YAML is an input error naming the file and line.
func LoadManifests(ctx context.Context, paths []string) ([]*yamltree.Document, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, &yamltree.Error{File: p, Msg: "no such file or directory"}
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".yaml", ".yml", ".json":
				if !d.IsDir() {
					found = append(found, path)
				}
			}
			return nil
		})
		if err != nil {
			return nil, &yamltree.Error{File: p, Msg: err.Error()}
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	var docs []*yamltree.Document
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil, &yamltree.Error{File: name, Msg: "permission denied"}
			}
			return nil, &yamltree.Error{File: name, Msg: err.Error()}
		}
		f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: yamltree.User}, data, yamltree.DefaultLimits)
		if err != nil {
			return nil, err
		}
		docs = append(docs, objectDocs(f)...)
	}
	return docs, nil
}

// objectDocs keeps the documents of f that are Kubernetes objects.
func objectDocs(f *yamltree.File) []*yamltree.Document {
	var out []*yamltree.Document
	for _, d := range f.Docs {
		if d.Root != nil && d.Root.Kind == yamltree.Map && d.Root.Get("kind").Text() != "" && d.Root.Has("apiVersion") {
			out = append(out, d)
		}
	}
	return out
}
