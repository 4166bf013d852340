package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/workload"
)

// cmdBase returns AIRFLOW__S__K for AIRFLOW__S__K_CMD or _SECRET: Airflow
// reads a setting from the plain variable first, then _CMD, then _SECRET.
func cmdBase(name string) (string, bool) {
	for _, suffix := range []string{"_CMD", "_SECRET"} {
		base, ok := strings.CutSuffix(name, suffix)
		if ok && strings.HasPrefix(base, "AIRFLOW__") && strings.Count(base, "__") >= 2 && !strings.HasSuffix(base, "_") {
			return base, true
		}
	}
	return "", false
}

// envValue is a resolved variable's text, when the manifests hold it.
func envValue(r workload.Resolved) (string, bool) {
	switch {
	case r.Origin == workload.Literal && r.Value != nil:
		return r.Value.Text(), true
	case r.Data != nil:
		return r.Data.Value.Reveal(), true
	}
	return "", false
}

// shadow is one shadowed setting and the containers it affects.
type shadow struct {
	base, cmd  string
	at         place
	baseSource string
	cmdSource  string
	containers []string
}

// shadowedCmds reports containers that get both AIRFLOW__S__K and its
// _CMD/_SECRET variant: the variant is silently ignored. In rendered
// output only variants the user wrote count (the chart's own
// SQL_ALCHEMY_CONN_CMD and friends are meant to be overridable).
func (c *checker) shadowedCmds() {
	found := map[string]*shadow{}
	for _, w := range c.set.Workloads {
		for _, ct := range w.Containers {
			env, _ := c.set.ResolveEnv(ct)
			names := make([]string, 0, len(env))
			for name := range env {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range names {
				if s := c.shadowOf(w, env, name, env[name]); s != nil {
					k := s.base + "\x00" + s.cmd + "\x00" + s.at.path + "\x00" + s.at.loc.File
					if found[k] == nil {
						found[k] = s
					}
					found[k].containers = append(found[k].containers, fmt.Sprintf("%s/%s", w.Name, ct.Name))
				}
			}
		}
	}
	keys := make([]string, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := found[k]
		msg := fmt.Sprintf("%s (%s) and %s (%s) both reach %d container(s) (%s): Airflow uses %s and never runs %s",
			s.base, s.baseSource, s.cmd, s.cmdSource, len(s.containers), strings.Join(first(s.containers, maxUses), ", "), s.base, s.cmd)
		c.emit(renderrule.CmdShadowed, s.at, 0, msg, "", s.base+"/"+s.cmd)
	}
}

func (c *checker) shadowOf(w *workload.Workload, env map[string]workload.Resolved, name string, cmd workload.Resolved) *shadow {
	base, ok := cmdBase(name)
	if !ok {
		return nil
	}
	plain, ok := env[base]
	if !ok {
		return nil
	}
	if v, known := envValue(plain); known && strings.TrimSpace(v) == "" {
		return nil // an empty plain value: Airflow falls through to _CMD
	}
	s := &shadow{base: base, cmd: name, baseSource: describeSource(plain), cmdSource: describeSource(cmd)}
	if !rendered(w.Doc) {
		n := plain.Value
		if plain.EnvVar != nil {
			n = plain.EnvVar.Node
		}
		s.at = manifestPlace(w.Doc, n)
		s.at.path = pathOf(w.Doc, n)
		return s
	}
	cv, _ := envValue(cmd)
	co, ok := c.trace.secret(cv)
	if !ok || !co.user() {
		return nil // the chart's own variant
	}
	s.cmdSource += ", set by " + co.path.String()
	s.at = valuesPlace(co)
	if pv, known := envValue(plain); known {
		if po, ok := c.trace.secret(pv); ok {
			s.baseSource += ", set by " + po.path.String()
			s.at = valuesPlace(po)
		}
	}
	return s
}

// describeSource says where a variable's value comes from.
func describeSource(r workload.Resolved) string {
	switch r.Origin {
	case workload.Literal:
		return "literal value"
	case workload.FromField:
		return "field " + r.Field
	}
	via := "valueFrom"
	if r.EnvFrom != nil {
		via = "envFrom"
	}
	return fmt.Sprintf("%s %s key %s via %s", r.Kind, r.Object, r.Key, via)
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("%d more", len(s)-n))
	}
	return s
}
