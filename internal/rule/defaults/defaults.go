// Package defaults reports the airflow-helm chart's public default
// credentials when they are in effect after Helm merges the values: the
// secrets a user never wrote and so never thinks to change.
package defaults

import (
	"context"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// check is one insecure default: where it lives and when it is in effect.
type check struct {
	meta rule.Meta
	fix  string
	find func(v *yamltree.Node) []hit
}

type hit struct {
	path yamltree.Path
	node *yamltree.Node
	msg  string
}

// Rule is one insecure-default check.
type Rule struct{ c check }

var _ rule.ValuesRule = (*Rule)(nil)

// Meta implements rule.ValuesRule.
func (r *Rule) Meta() rule.Meta { return r.c.meta }

// CheckValues implements rule.ValuesRule.
func (r *Rule) CheckValues(ctx context.Context, in *rule.Input, emit func(finding.Finding)) error {
	if in.Family != rule.AirflowHelm || in.Effective == nil {
		return nil
	}
	for _, h := range r.c.find(in.Effective) {
		f := finding.Finding{
			RuleID: r.c.meta.ID, Class: finding.InsecureDefault, Severity: r.c.meta.Severity,
			Path: h.path.String(), Message: h.msg, Remediation: r.c.meta.Remediation, Fix: r.c.fix,
			Secret: redact.New(h.node.Value),
		}
		loc := finding.Location{Line: h.node.Pos.Line, Col: h.node.Pos.Col}
		if h.node.FromUser() {
			loc.File = h.node.Src.Name
			f.Loc = loc
			f.Message += " (set explicitly in this file)"
		} else if h.node.Src != nil {
			loc.File = h.node.Src.Name
			f.Default = loc
		}
		emit(f)
	}
	return ctx.Err()
}

// New returns the insecure-default rules.
func New() []*Rule {
	return []*Rule{
		{c: check{meta: fernetMeta, fix: fernetFix, find: fernetKey}},
		{c: check{meta: webMeta, fix: webFix, find: webserverKey}},
		{c: check{meta: adminMeta, fix: adminFix, find: adminUser}},
		{c: check{meta: pgMeta, fix: pgFix, find: postgresPassword}},
		{c: check{meta: redisMeta, fix: redisFix, find: redisPassword}},
	}
}

func path(s string) yamltree.Path {
	p, _ := yamltree.ParsePath(s)
	return yamltree.Path(p)
}

// extraEnvSets reports whether airflow.extraEnv defines name; only an
// extraEnv entry overrides the key the chart writes (airflow.config and
// *_CMD do not: the chart's value still takes precedence).
func extraEnvSets(v *yamltree.Node, name string) bool {
	env := v.Lookup("airflow", "extraEnv")
	if env == nil || env.Kind != yamltree.Seq {
		return false
	}
	for _, e := range env.Items {
		if e.Get("name").Text() == name {
			return true
		}
	}
	return false
}

func fernetKey(v *yamltree.Node) []hit {
	n := v.Lookup("airflow", "fernetKey")
	if n.Text() != catalog.DefaultFernetKey || extraEnvSets(v, "AIRFLOW__CORE__FERNET_KEY") {
		return nil
	}
	return []hit{{path("airflow.fernetKey"), n, "the chart's public default fernet key is in effect: every connection password and variable is encrypted with a key anyone can read"}}
}

func webserverKey(v *yamltree.Node) []hit {
	n := v.Lookup("airflow", "webserverSecretKey")
	if n.Text() != catalog.DefaultWebserverSecretKey || extraEnvSets(v, "AIRFLOW__WEBSERVER__SECRET_KEY") {
		return nil
	}
	return []hit{{path("airflow.webserverSecretKey"), n, "the chart's public default webserver secret key (\"THIS IS UNSAFE!\") is in effect: anyone can forge web sessions"}}
}

func adminUser(v *yamltree.Node) []hit {
	users := v.Lookup("airflow", "users")
	if users == nil || users.Kind != yamltree.Seq {
		return nil
	}
	var out []hit
	for i, u := range users.Items {
		pw := u.Get("password")
		if u.Get("username").Text() == catalog.DefaultAdminUser && pw.Text() == catalog.DefaultAdminPassword {
			out = append(out, hit{path("airflow.users").Index(i).Key("password"), pw, "an admin user with the password \"admin\" is created"})
		}
	}
	return out
}

func postgresPassword(v *yamltree.Node) []hit {
	pg := v.Get("postgresql")
	n := pg.Get("postgresqlPassword")
	if !pg.Get("enabled").Truthy() || pg.Get("existingSecret").Truthy() || n.Text() != catalog.DefaultDBPassword {
		return nil
	}
	return []hit{{path("postgresql.postgresqlPassword"), n, "the embedded PostgreSQL runs with the chart's public default password \"airflow\""}}
}

func redisPassword(v *yamltree.Node) []hit {
	r := v.Get("redis")
	n := r.Get("password")
	exec := v.Lookup("airflow", "executor").Text()
	celery := exec == "CeleryExecutor" || exec == "CeleryKubernetesExecutor"
	if !celery || !r.Get("enabled").Truthy() || r.Get("existingSecret").Truthy() || n.Text() != catalog.DefaultRedisPassword {
		return nil
	}
	return []hit{{path("redis.password"), n, "the embedded Redis (Celery broker) runs with the chart's public default password \"airflow\""}}
}

var (
	fernetMeta = rule.Meta{ID: "insecure-default-fernet-key", Title: "Chart's public default fernet key in effect",
		Class: finding.InsecureDefault, Severity: finding.Critical,
		Description: "airflow.fernetKey is left at the chart's published default, so the encryption of connections and variables protects nothing.",
		Remediation: "Generate a key (python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"), store it in a Kubernetes Secret, set AIRFLOW__CORE__FERNET_KEY from it with airflow.extraEnv and set airflow.fernetKey to \"\".",
		HelpURI:     "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/security/set-fernet-key.md"}
	webMeta = rule.Meta{ID: "insecure-default-webserver-secret-key", Title: "Chart's public default webserver secret key in effect",
		Class: finding.InsecureDefault, Severity: finding.High,
		Description: "airflow.webserverSecretKey is left at \"THIS IS UNSAFE!\", so session cookies can be forged.",
		Remediation: "Store a random key in a Kubernetes Secret, set AIRFLOW__WEBSERVER__SECRET_KEY from it with airflow.extraEnv and set airflow.webserverSecretKey to \"\".",
		HelpURI:     "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/security/set-webserver-secret-key.md"}
	adminMeta = rule.Meta{ID: "insecure-default-admin-user", Title: "Default admin/admin user",
		Class: finding.InsecureDefault, Severity: finding.Critical,
		Description: "airflow.users creates an Admin user \"admin\" with the password \"admin\" (the chart's default when airflow.users is not set).",
		Remediation: "Set airflow.users with a password: ${VAR} backed by airflow.usersTemplates, or set airflow.users to [] and manage users elsewhere.",
		HelpURI:     "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/security/airflow-users.md"}
	pgMeta = rule.Meta{ID: "insecure-default-postgresql-password", Title: "Embedded PostgreSQL with the default password",
		Class: finding.InsecureDefault, Severity: finding.High,
		Description: "The embedded PostgreSQL is enabled without postgresql.existingSecret and keeps the chart's default password \"airflow\".",
		Remediation: "Set postgresql.existingSecret to a Kubernetes Secret holding a random password (or use an external database with externalDatabase.passwordSecret).",
		HelpURI:     "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/database/embedded-database.md"}
	redisMeta = rule.Meta{ID: "insecure-default-redis-password", Title: "Embedded Redis with the default password",
		Class: finding.InsecureDefault, Severity: finding.High,
		Description: "The embedded Redis is the Celery broker, enabled without redis.existingSecret, with the chart's default password \"airflow\".",
		Remediation: "Set redis.existingSecret to a Kubernetes Secret holding a random password (or use externalRedis.passwordSecret).",
		HelpURI:     "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/database/embedded-redis.md"}
)

var (
	fernetFix = `airflow:
  fernetKey: ""
  extraEnv:
    - name: AIRFLOW__CORE__FERNET_KEY
      valueFrom:
        secretKeyRef: {name: airflow-fernet-key, key: value}`
	webFix = `airflow:
  webserverSecretKey: ""
  extraEnv:
    - name: AIRFLOW__WEBSERVER__SECRET_KEY
      valueFrom:
        secretKeyRef: {name: airflow-webserver-secret-key, key: value}`
	adminFix = `airflow:
  users:
    - username: admin
      password: ${ADMIN_PASSWORD}
      role: Admin
      email: admin@example.com
      firstName: admin
      lastName: admin
  usersTemplates:
    ADMIN_PASSWORD: {kind: secret, name: airflow-users, key: admin-password}`
	pgFix = `postgresql:
  existingSecret: airflow-postgresql
  existingSecretKey: postgresql-password`
	redisFix = `redis:
  existingSecret: airflow-redis
  existingSecretPasswordKey: redis-password`
)
