package externalize

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/externalize/policy"
	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// injection is what one component gets.
type injection struct {
	comp   agent.Component
	files  []agent.File
	empty  map[string]bool
	initOK bool // init container only
}

// inject decides which component gets which file. With a chart, it
// renders the chart with the rewritten values and reads which pods name
// which file in their environment; without, every component gets every
// file (the chart passes airflow.config and airflow.extraEnv to every
// Airflow pod). It sets the secrets' readers and returns the identities.
func (c *claims) inject(ctx context.Context, files []fix.FileChange) ([]policy.Identity, error) {
	needs, jobs, err := c.needs(ctx, files)
	if err != nil {
		return nil, err
	}
	c.injections = nil
	var ids []policy.Identity
	for _, comp := range agent.Components {
		names, ok := needs[comp.Name]
		if !ok || len(names) == 0 {
			continue
		}
		in := injection{comp: comp, empty: map[string]bool{}, initOK: jobs[comp.Name]}
		for _, f := range c.files {
			if !slices.Contains(names, f.Name) {
				continue
			}
			in.files = append(in.files, f)
			if f.Entries != nil && !comp.ResolvesConnections {
				in.empty[f.Name] = true
				continue
			}
			for _, s := range f.Secrets() {
				if sec := c.secrets[s]; sec != nil && !slices.Contains(sec.Readers, comp.Name) {
					sec.Readers = append(sec.Readers, comp.Name)
				}
			}
		}
		c.injections = append(c.injections, in)
		ids = append(ids, policy.Identity{Name: comp.Name, ServiceAccount: c.o.ServiceAccount, Namespace: c.o.Namespace, What: comp.What})
	}
	return ids, nil
}

// needs returns, per component, the files it needs and whether its pods
// run to completion.
func (c *claims) needs(ctx context.Context, files []fix.FileChange) (map[string][]string, map[string]bool, error) {
	if c.o.Chart == "" {
		needs, jobs := map[string][]string{}, map[string]bool{}
		for _, comp := range agent.Components {
			for _, f := range c.files {
				needs[comp.Name] = append(needs[comp.Name], f.Name)
			}
			jobs[comp.Name] = comp.Job || c.jobByValues(comp.Name)
		}
		return needs, jobs, nil
	}
	set, err := c.renderWith(ctx, files)
	if err != nil {
		return nil, nil, err
	}
	return agent.Needs(set, c.files), agent.Kinds(set), nil
}

// jobByValues reads from the values whether a component runs as a Job.
func (c *claims) jobByValues(name string) bool {
	switch name {
	case "db-migrations":
		return c.get("airflow.dbMigrations.runAsJob").Truthy()
	case "sync":
		for _, k := range []string{"usersUpdate", "connectionsUpdate", "variablesUpdate", "poolsUpdate"} {
			if n := c.get("airflow." + k); n == nil || n.Truthy() {
				return false
			}
		}
		return true
	}
	return false
}

// renderWith renders the chart with the values as they will be.
func (c *claims) renderWith(ctx context.Context, files []fix.FileChange) (*workload.Set, error) {
	ch, err := chart.Load(ctx, c.o.Chart)
	if err != nil {
		return nil, err
	}
	cur := c.originals()
	for _, f := range files {
		cur[f.Name] = f.After
	}
	var yfs []*yamltree.File
	for _, f := range c.prep.Inputs.Files {
		yfs = append(yfs, &yamltree.File{Src: f.Src, Bytes: cur[f.Src.Name]})
	}
	vals, err := render.HelmValues(yfs, render.SetFlags{})
	if err != nil {
		return nil, err
	}
	ms, err := ch.Render(ctx, vals, chart.RenderOptions{Release: c.o.Release, Namespace: c.o.Namespace})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	var docs []*yamltree.Document
	for _, m := range ms {
		docs = append(docs, m.Doc)
	}
	return workload.FromManifests(docs), nil
}

// annotate merges each component's injector annotations into its
// podAnnotations. Existing Vault annotations are refused: merged maps
// would mix two agent configurations, and airflow.podAnnotations is
// rendered next to the component's (a key in both is a duplicate key in
// the pod manifest).
func (c *claims) annotate() error {
	for _, path := range []string{"airflow.podAnnotations"} {
		if err := c.noVaultAnnotations(path); err != nil {
			return err
		}
	}
	for _, in := range c.injections {
		if err := c.noVaultAnnotations(in.comp.Annotations); err != nil {
			return err
		}
		a := agent.Annotations(in.files, in.empty, agent.Options{Role: c.o.Prefix + "-" + in.comp.Name,
			Mount: c.o.Vault.Mount, AuthPath: c.o.Vault.AuthPath, InitOnly: in.initOK})
		c.ed.mergeAt(c.ed.last(), in.comp.Annotations, mapFrag(a))
	}
	return nil
}

func (c *claims) noVaultAnnotations(path string) error {
	n := c.get(path)
	if n == nil || n.Kind != yamltree.Map {
		return nil
	}
	for _, e := range n.Entries {
		if strings.HasPrefix(e.Key, agent.Prefix) {
			where := ""
			if n.FromUser() {
				where = fmt.Sprintf(" (%s:%d)", n.Src.Name, e.KeyPos.Line)
			}
			return fmt.Errorf("%w: %s already has Vault Agent annotation %s%s; remove the existing injector configuration first", ErrUsage, path, e.Key, where)
		}
	}
	return nil
}
