package render

import (
	"fmt"
	"regexp"

	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// templated lists the fields the chart's sync scripts pass through
// Python's string.Template, and the map that defines their variables.
var templated = []struct {
	list, templates string
	fields          []string
}{
	{"users", "usersTemplates", []string{"firstName", "lastName", "email", "password"}},
	{"connections", "connectionsTemplates", []string{"host", "login", "password", "schema", "extra"}},
	{"variables", "variablesTemplates", []string{"value"}},
}

// templateVarRE finds ${NAME}; a "$$" before it is string.Template's
// escape for a literal dollar.
var templateVarRE = regexp.MustCompile(`(\$*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// templateVars reports ${VAR} in users, connections and variables with no
// entry in the matching *Templates map. The sync scripts substitute with
// safe_substitute, which leaves an unknown ${VAR} in place: the password
// or value becomes the literal text.
func (c *checker) templateVars() {
	if c.trace == nil || c.trace.eff == nil {
		return
	}
	airflow := c.trace.eff.Get("airflow")
	for _, t := range templated {
		list := airflow.Get(t.list)
		if list == nil || list.Kind != yamltree.Seq {
			continue
		}
		defined := airflow.Get(t.templates)
		base := yamltree.Path{{Key: "airflow"}, {Key: t.list}}
		for i, item := range list.Items {
			for _, f := range t.fields {
				n := item.Get(f)
				if n == nil || n.Kind != yamltree.Scalar {
					continue
				}
				for _, m := range templateVarRE.FindAllStringSubmatch(n.Value, -1) {
					if len(m[1])%2 == 1 || defined.Has(m[2]) {
						continue // escaped, or defined
					}
					o := origin{path: base.Index(i).Key(f), node: n, doc: c.trace.docOf[n]}
					msg := fmt.Sprintf("${%s} in %s has no airflow.%s entry: the sync job leaves it unsubstituted, so %s becomes the literal text \"${%s}\"",
						m[2], o.path, t.templates, f, m[2])
					c.emit(renderrule.TemplateVar, valuesPlace(o), 0, msg, "", m[2])
				}
			}
		}
	}
}
