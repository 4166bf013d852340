package externalize

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/externalize/backend"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// localBackend is Airflow's built-in backend that reads connections and
// variables from files, which the agent renders.
const localBackend = "airflow.secrets.local_filesystem.LocalFilesystemBackend"

// listClaim is a whole airflow.connections or airflow.variables list moved
// to the manager: one secret per connection or variable, read by Airflow's
// secrets backend (airflow-backend) or rendered into one JSON file that
// LocalFilesystemBackend reads (vault-agent).
type listClaim struct {
	path, templates string
	file            string // agent file
	kwarg           string // LocalFilesystemBackend kwarg
}

var (
	connectionsClaim = listClaim{"airflow.connections", "airflow.connectionsTemplates", "connections.json", "connections_file_path"}
	variablesClaim   = listClaim{"airflow.variables", "airflow.variablesTemplates", "variables.json", "variables_file_path"}
)

// listEntry is one connection or variable of a list to move.
type listEntry struct {
	id, name string
	fields   []backend.Field
}

// claimList moves the list when every item can move; otherwise fix keeps
// handling it (its secret fields go to a Kubernetes Secret the eso way)
// and a note says why. It returns the agent file, if any.
func (c *claims) claimList(l listClaim) (*agent.File, error) {
	list := c.get(l.path)
	if list == nil || list.Kind != yamltree.Seq || len(list.Items) == 0 {
		return nil, nil
	}
	entries, why := c.convertList(l, list)
	if why != "" {
		c.note("%s stays with the chart's sync (its secrets go to a Kubernetes Secret the eso way): %s.", l.path, why)
		return nil, nil
	}
	file := &agent.File{Name: l.file, ValueOnly: l.path == variablesClaim.path}
	raw := c.raw() && l.path == variablesClaim.path
	reader := ""
	if c.o.Mode == ModeBackend {
		reader = backendIdentity
	}
	for i, e := range entries {
		var props []string
		for _, f := range e.fields {
			// Connection passwords and extras are secrets (variables
			// the scan flagged are masked through their findings).
			secret := f.Key == "password" || f.Key == "extra"
			c.put(e.name, raw, f.Key, f.Value, false, secret, reader)
			props = append(props, f.Key)
		}
		file.Entries = append(file.Entries, agent.Entry{ID: e.id, Secret: e.name})
		m := Move{Path: fmt.Sprintf("%s[%d]", l.path, i), Remote: e.name, Properties: props, Via: "Airflow's secrets backend"}
		if list.FromUser() {
			m.File, m.Line = list.Src.Name, list.Items[i].Pos.Line
		}
		if c.o.Mode == ModeVaultAgent {
			m.Via = fmt.Sprintf("file %s (LocalFilesystemBackend)", file.Path())
		}
		c.moves = append(c.moves, m)
	}
	for _, f := range c.prep.Scan.Findings {
		if strings.HasPrefix(f.Path, l.path+"[") {
			c.paths[f.Path] = true
		}
	}
	c.deleteEverywhere(l.path)
	return file, nil
}

// convertList converts every item, or says why one cannot move.
func (c *claims) convertList(l listClaim, list *yamltree.Node) ([]listEntry, string) {
	tpl := map[string]bool{}
	if t := c.get(l.templates); t != nil && t.Kind == yamltree.Map {
		for _, e := range t.Entries {
			tpl[e.Key] = true
		}
	}
	var entries []listEntry
	seen := map[string]bool{}
	for _, it := range list.Items {
		var e listEntry
		var why string
		if l.path == connectionsClaim.path {
			e.id, e.fields, why = backend.Connection(it, tpl)
			e.name = c.o.layout().Connection(e.id)
		} else {
			var v string
			e.id, v, why = backend.Variable(it, tpl)
			e.fields = []backend.Field{{Key: "value", Value: v}}
			e.name = c.o.layout().Variable(e.id)
		}
		if why == "" && seen[e.id] {
			why = fmt.Sprintf("%s is defined twice", e.id)
		}
		if why == "" {
			if err := c.o.layout().Check(e.name); err != nil {
				why = err.Error()
			}
		}
		if why != "" {
			return nil, why
		}
		seen[e.id] = true
		entries = append(entries, e)
	}
	return entries, ""
}

// deleteEverywhere removes a key from every values file that writes it:
// an overridden list is not used but still holds committed secrets.
func (c *claims) deleteEverywhere(path string) {
	p, _ := yamltree.ParsePath(path)
	for _, f := range c.prep.Inputs.Files {
		root := f.First()
		parent := root
		for _, e := range p[:len(p)-1] {
			parent = parent.Get(e.Key)
		}
		if parent != nil && parent.Kind == yamltree.Map && parent.Has(p[len(p)-1].Key) {
			c.ed.op(f.Src.Name, edit.DeleteKey{Path: yamltree.Path(p)})
		}
	}
}

// claimLists moves connections and variables, and in vault-agent mode
// points LocalFilesystemBackend at the agent's files.
func (c *claims) claimLists() error {
	if c.o.Mode == ModeVaultAgent && c.optionSet("AIRFLOW__SECRETS__BACKEND") {
		c.note("airflow.connections and airflow.variables stay with the chart's sync: a secrets backend is already configured (AIRFLOW__SECRETS__BACKEND), and vault-agent mode would replace it with LocalFilesystemBackend.")
		return nil
	}
	kwargs := map[string]string{}
	for _, l := range []listClaim{connectionsClaim, variablesClaim} {
		f, err := c.claimList(l)
		if err != nil {
			return err
		}
		if f != nil && c.o.Mode == ModeVaultAgent {
			if err := f.Validate(); err != nil {
				return err
			}
			c.files = append(c.files, *f)
			kwargs[l.kwarg] = f.Path()
		}
	}
	if len(kwargs) > 0 {
		data, err := json.Marshal(kwargs)
		if err != nil {
			return err
		}
		c.ed.mergeAt(c.ed.last(), "airflow.config", edit.Map("AIRFLOW__SECRETS__BACKEND", localBackend, "AIRFLOW__SECRETS__BACKEND_KWARGS", string(data)))
	}
	return nil
}
