package externalize

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// single is one secret value that vault-agent or airflow-backend serves
// directly to Airflow.
type single struct {
	path string // the values path
	// env is the Airflow option (AIRFLOW__SECTION__KEY) it sets; empty for
	// the database and Redis passwords, which the chart reads through its
	// own command hooks (hook).
	env, hook string
	// file is the agent file name (with an extension, so that the
	// injector annotation agent-inject-secret-<file> does not end in a
	// credential word that a scanner, airlock's included, would flag);
	// component and prop the secret and
	// property in the manager when not a config option.
	file, component, prop string
	fernet                bool // generate a Fernet key for a public default
	del                   bool // delete the entry (airflow.config) rather than blank it
}

// sensitive are the options Airflow reads from X_CMD and X_SECRET, except
// the ones the chart itself sets as _CMD (sql_alchemy_conn, broker_url,
// result_backend): a second definition would duplicate a key in the
// chart's config Secret.
var sensitive = map[string]bool{
	"AIRFLOW__CORE__FERNET_KEY":                  true,
	"AIRFLOW__CORE__INTERNAL_API_SECRET_KEY":     true,
	"AIRFLOW__CELERY__FLOWER_BASIC_AUTH":         true,
	"AIRFLOW__ATLAS__PASSWORD":                   true,
	"AIRFLOW__SMTP__SMTP_PASSWORD":               true,
	"AIRFLOW__WEBSERVER__SECRET_KEY":             true,
	"AIRFLOW__SECRETS__BACKEND_KWARGS":           true,
	"AIRFLOW__SENTRY__SENTRY_DSN":                true,
	"AIRFLOW__DATABASE__SQL_ALCHEMY_ENGINE_ARGS": true,
}

// singles lists the candidates of the run's findings.
func (c *claims) singles() []single {
	out := []single{
		{path: "airflow.fernetKey", env: "AIRFLOW__CORE__FERNET_KEY", file: "fernet-key.txt", component: "fernet-key", prop: "value", fernet: true},
		{path: "airflow.webserverSecretKey", env: "AIRFLOW__WEBSERVER__SECRET_KEY", file: "webserver-secret-key.txt", component: "webserver-secret-key", prop: "value"},
	}
	if c.o.Mode == ModeVaultAgent {
		out = append(out,
			single{path: "externalDatabase.password", hook: "DATABASE_PASSWORD_CMD", file: "database-password.txt", component: "database", prop: "postgresql-password"},
			single{path: "externalRedis.password", hook: "REDIS_PASSWORD_CMD", file: "redis-password.txt", component: "redis", prop: "redis-password"})
	}
	seen := map[string]bool{}
	for _, f := range c.prep.Scan.Findings {
		name, ok := strings.CutPrefix(f.Path, "airflow.config.")
		if !ok || seen[name] || !sensitive[name] || strings.ContainsAny(name, ".[") {
			continue
		}
		if c.o.Mode == ModeBackend && name == "AIRFLOW__SECRETS__BACKEND_KWARGS" {
			continue // the backend cannot read its own settings
		}
		seen[name] = true
		key := configKey(name)
		out = append(out, single{path: f.Path, env: name, file: "config-" + strings.ReplaceAll(key, "_", "-") + ".txt", del: true})
	}
	return out
}

// configKey is the key of an option in the backend's config layout:
// AIRFLOW__SMTP__SMTP_PASSWORD → smtp_smtp_password.
func configKey(env string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(env, "AIRFLOW__")), "__", "_")
}

// live says whether a single is used by the chart with these values and
// not already set some other way; fix removes unused literals.
func (c *claims) live(s single) bool {
	switch s.path {
	case "externalDatabase.password":
		pgbouncer := c.get("pgbouncer.enabled").Truthy() && (c.get("postgresql.enabled").Truthy() || c.get("externalDatabase.type").Text() == "postgres")
		return !c.get("postgresql.enabled").Truthy() && !c.get("externalDatabase.passwordSecret").Truthy() && !pgbouncer && !c.envDefined(s.hook)
	case "externalRedis.password":
		ex := c.get("airflow.executor").Text()
		celery := ex == "CeleryExecutor" || ex == "CeleryKubernetesExecutor"
		return celery && !c.get("redis.enabled").Truthy() && !c.get("externalRedis.passwordSecret").Truthy() && !c.envDefined(s.hook)
	}
	if s.del {
		// The finding is airflow.config.X itself; X must not come from
		// extraEnv too, nor X_CMD / X_SECRET from anywhere.
		return !c.envDefined(s.env+"_CMD") && !c.envDefined(s.env+"_SECRET") && !c.extraEnvDefines(s.env)
	}
	return !c.optionSet(s.env)
}

func (c *claims) extraEnvDefines(name string) bool {
	if env := c.get("airflow.extraEnv"); env != nil && env.Kind == yamltree.Seq {
		for _, e := range env.Items {
			if strings.TrimSpace(e.Get("name").Text()) == name {
				return true
			}
		}
	}
	return false
}

// claimSingle takes s from fix when this style can serve it.
func (c *claims) claimSingle(s single) error {
	fs := c.findings(s.path)
	if len(fs) == 0 || !c.live(s) {
		return nil
	}
	generated := false
	for _, f := range fs {
		generated = generated || f.Class == finding.InsecureDefault
	}
	value := ""
	if generated {
		v, err := generate(c.o.Rand, s.fernet)
		if err != nil {
			return err
		}
		value = v
	} else {
		n := c.get(s.path)
		if n == nil || !n.IsString() || n.Value == "" {
			return nil // fix explains why it cannot move it
		}
		value = n.Value
	}
	file, line := c.removeLiteral(s.path, s.del)
	if file == "" && !s.del {
		// A public default from the chart: set the key empty, as the
		// chart requires for the option to be read elsewhere.
		parent := s.path[:strings.LastIndex(s.path, ".")]
		c.ed.mergeAt(c.ed.last(), parent, edit.Map(s.path[len(parent)+1:], ""))
	}
	c.paths[s.path] = true
	m := Move{Path: s.path, File: file, Line: line, Generated: generated}
	if c.o.Mode == ModeBackend {
		c.serveFromBackend(s, value, generated, &m)
	} else if err := c.serveAsFile(s, value, generated, &m); err != nil {
		return err
	}
	c.moves = append(c.moves, m)
	if generated && s.fernet {
		c.note("A new fernet key was generated. If this deployment already stored connections or variables, keep the old key readable (AIRFLOW__CORE__FERNET_KEY \"NEW,OLD\") until `airflow rotate-fernet-key` has re-encrypted them.")
	}
	return nil
}

// serveFromBackend reads the value with X_SECRET from the backend's
// config path.
func (c *claims) serveFromBackend(s single, value string, generated bool, m *Move) {
	key := configKey(s.env)
	name := c.o.layout().Config(key)
	c.put(name, c.raw(), "value", value, generated, true, backendIdentity)
	c.ed.mergeAt(c.ed.last(), "airflow.config", edit.Map(s.env+"_SECRET", key))
	m.Remote, m.Properties, m.Via = name, []string{"value"}, fmt.Sprintf("airflow.config %s_SECRET (Airflow's secrets backend, config %s)", s.env, key)
}

// serveAsFile has the agent render the value into a file that an X_CMD
// option or one of the chart's password hooks reads.
func (c *claims) serveAsFile(s single, value string, generated bool, m *Move) error {
	name, prop := c.o.layout().Component(s.component), s.prop
	if s.del {
		name, prop = c.o.layout().Config(configKey(s.env)), "value"
	}
	c.put(name, false, prop, value, generated, true, "")
	f := agent.File{Name: s.file, Secret: name, Key: prop}
	if err := f.Validate(); err != nil {
		return err
	}
	c.files = append(c.files, f)
	m.Remote, m.Properties = name, []string{prop}
	if s.hook != "" {
		c.appendEnv(s.hook, hookCommand(s.hook, f.Path()))
		m.Via = fmt.Sprintf("file %s (airflow.extraEnv %s)", f.Path(), s.hook)
		return nil
	}
	c.ed.mergeAt(c.ed.last(), "airflow.config", edit.Map(s.env+"_CMD", "cat "+f.Path()))
	m.Via = fmt.Sprintf("file %s (airflow.config %s_CMD)", f.Path(), s.env)
	return nil
}

// hookCommand replaces one of the chart's password hooks: the chart
// evaluates DATABASE_PASSWORD_CMD and REDIS_PASSWORD_CMD to build the
// connection URLs, URL-encoding the password (and, for Redis, wrapping a
// non-empty one as ":password@"). These read the agent's file instead of
// an environment variable.
func hookCommand(hook, file string) string {
	if hook == "REDIS_PASSWORD_CMD" {
		return fmt.Sprintf(`python3 -c "import urllib.parse; p = open('%s').read(); print(':' + urllib.parse.quote(p) + '@' if p else '')"`, file)
	}
	return fmt.Sprintf(`python3 -c "import urllib.parse; print(urllib.parse.quote(open('%s').read()))"`, file)
}
