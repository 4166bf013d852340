package render

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// consumer is one Secret key (or a whole Secret through envFrom) passed to
// containers as environment variables.
type consumer struct {
	secret, key string // key "" for envFrom
	vars        []string
	uses        []string
	doc         *yamltree.Document
	node        *yamltree.Node
}

// consumption reports, for information, which Secrets reach containers as
// environment variables, with the file-based alternative (CIS 5.4.1). The
// chart's secretKeyRef is what its docs recommend; these are never errors.
func (c *checker) consumption() {
	groups := map[string]*consumer{}
	var order []string
	files := map[string]*consumer{}
	var fileOrder []string
	for _, w := range c.set.Workloads {
		for _, ct := range w.Containers {
			use := w.Name + "/" + ct.Name
			env, _ := c.set.ResolveEnv(ct)
			for i, e := range ct.Env {
				r := env[e.Name]
				// Only the entry Kubernetes uses (the last of duplicates).
				if r.Origin != workload.FromObject || r.Kind != workload.SecretRef || r.EnvVar != &ct.Env[i] {
					continue
				}
				g := c.consumerFor(groups, &order, r.Object, r.Key, w, e.Node)
				g.vars, g.uses = appendNew(g.vars, e.Name), appendNew(g.uses, use)
			}
			for _, ef := range ct.EnvFrom {
				if ef.Kind == workload.SecretRef {
					g := c.consumerFor(groups, &order, ef.Name, "", w, ef.Node)
					g.uses = appendNew(g.uses, use)
				}
			}
			fs, _ := c.set.ResolveFiles(ct)
			for _, f := range fs {
				if f.Kind != workload.SecretRef {
					continue
				}
				g := c.consumerFor(files, &fileOrder, f.Object, "", w, f.Volume.Node)
				g.vars, g.uses = appendNew(g.vars, f.Path), appendNew(g.uses, use)
			}
		}
	}
	envSecrets := map[string]bool{}
	for _, k := range order {
		g := groups[k]
		envSecrets[g.secret] = true
		c.reportConsumer(g, files[g.secret+"\x00"])
	}
	for _, k := range fileOrder {
		if g := files[k]; !envSecrets[g.secret] {
			msg := fmt.Sprintf("Secret %s reaches %d container(s) only as files (%s in %s): the consumption CIS 5.4.1 prefers; nothing to change",
				g.secret, len(g.uses), strings.Join(first(g.vars, maxUses), ", "), strings.Join(first(g.uses, maxUses), ", "))
			c.emit(renderrule.EnvConsumption, c.consumerPlace(g), 0, msg, "", g.secret+"/files")
		}
	}
}

func (c *checker) consumerFor(groups map[string]*consumer, order *[]string, secret, key string, w *workload.Workload, n *yamltree.Node) *consumer {
	k := secret + "\x00" + key
	if g, ok := groups[k]; ok {
		return g
	}
	d := w.Doc
	if e := w.Embedded; e != nil {
		kv, _ := e.ConfigMap.Key(e.Key)
		d, n = e.ConfigMap.Doc, kv.Node
	}
	g := &consumer{secret: secret, key: key, doc: d, node: n}
	groups[k] = g
	*order = append(*order, k)
	return g
}

func (c *checker) reportConsumer(g *consumer, files *consumer) {
	var msg string
	if g.key == "" {
		msg = fmt.Sprintf("every key of Secret %s reaches %d container(s) as environment variables through envFrom (%s)",
			g.secret, len(g.uses), strings.Join(first(g.uses, maxUses), ", "))
	} else {
		msg = fmt.Sprintf("key %q of Secret %s reaches %d container(s) as %s (%s)",
			g.key, g.secret, len(g.uses), strings.Join(g.vars, ", "), strings.Join(first(g.uses, maxUses), ", "))
	}
	if files != nil {
		msg += fmt.Sprintf("; the Secret is also mounted as files (%s)", strings.Join(first(files.vars, maxUses), ", "))
	}
	msg += "; " + fileAlternative(g)
	c.emit(renderrule.EnvConsumption, c.consumerPlace(g), 0, msg, "", g.secret+"/"+g.key)
}

// consumerPlace points at the values that named the Secret, else at the
// first reference in the manifests.
func (c *checker) consumerPlace(g *consumer) place {
	at := manifestPlace(g.doc, g.node)
	if rendered(g.doc) {
		if o, ok := c.trace.name(g.secret, false); ok {
			at = valuesPlace(o)
		}
	} else {
		at.path = pathOf(g.doc, g.node)
	}
	return at
}

// fileAlternative suggests reading the value from a mounted file instead.
func fileAlternative(g *consumer) string {
	dir := "/opt/airflow/secrets/" + g.secret
	for _, v := range g.vars {
		if _, ok := cmdBase(v + "_CMD"); ok {
			return fmt.Sprintf("file alternative: mount Secret %s at %s (airflow.extraVolumes/extraVolumeMounts) and replace %s with %s_CMD: \"cat %s/%s\"",
				g.secret, dir, v, v, dir, g.key)
		}
	}
	return fmt.Sprintf("file alternative: mount Secret %s as a volume at %s and have the program read the file", g.secret, dir)
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
