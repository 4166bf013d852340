package catalog

import "github.com/airlockhq/airlock/internal/finding"

// Handler says how an entry's value is judged.
type Handler uint8

// Handlers.
const (
	// Literal: any literal that is not a template, reference or
	// placeholder is a secret (passwords, keys).
	Literal Handler = iota + 1
	// URL: a secret only when credentials are embedded (user:pass@, token@).
	URL
	// Text: JSON or config text, a secret when it holds one.
	Text
	// Python: source code, a secret when a credential is assigned a literal.
	Python
	// Manifest: Kubernetes YAML (a string with Helm expressions, or a tree).
	Manifest
	// EnvMap: a map of environment NAME: value (airflow.config).
	EnvMap
	// EnvList: the value of an EnvVar in a list (airflow.extraEnv).
	EnvList
	// Variable: an Airflow variable, a secret when its key or value says so.
	Variable
	// PipArg: a pip requirement or option line (index URLs with tokens).
	PipArg
)

// Entry is one secret-bearing key of the chart.
type Entry struct {
	// ID names the entry in tests and fixtures (testdata/<ID>/).
	ID string
	// Path is a yamltree pattern relative to the chart's values root.
	Path    string
	Handler Handler
	// Deep entries also own every value below Path.
	Deep bool
	// RuleID is the rule that reports this entry.
	RuleID   string
	Severity finding.Severity
	// Why the value matters, for messages and docs.
	Why string
	// Remediation and Fix: the chart's own way to take the value from a
	// Kubernetes Secret.
	Remediation string
	Fix         string
}

// Entries are the secret-bearing keys of airflow-helm 8.x (and the 7.x
// keys still seen in the wild), most specific first.
var Entries = []Entry{
	{
		ID: "fernet-key", Path: "airflow.fernetKey", Handler: Literal, RuleID: "airflow-fernet-key", Severity: finding.Critical,
		Why:         "the fernet key encrypts every connection password and variable in the metadata database; anyone with it and a DB dump reads them all",
		Remediation: "Set AIRFLOW__CORE__FERNET_KEY from a Kubernetes Secret with airflow.extraEnv and set airflow.fernetKey to \"\".",
		Fix: `airflow:
  fernetKey: ""
  extraEnv:
    - name: AIRFLOW__CORE__FERNET_KEY
      valueFrom:
        secretKeyRef:
          name: airflow-fernet-key
          key: value`,
	},
	{
		ID: "webserver-secret-key", Path: "airflow.webserverSecretKey", Handler: Literal, RuleID: "airflow-webserver-secret-key", Severity: finding.High,
		Why:         "the webserver secret key signs session cookies; with it anyone can forge a logged-in session",
		Remediation: "Set AIRFLOW__WEBSERVER__SECRET_KEY from a Kubernetes Secret with airflow.extraEnv and set airflow.webserverSecretKey to \"\".",
		Fix: `airflow:
  webserverSecretKey: ""
  extraEnv:
    - name: AIRFLOW__WEBSERVER__SECRET_KEY
      valueFrom:
        secretKeyRef:
          name: airflow-webserver-secret-key
          key: value`,
	},
	{
		ID: "user-password", Path: "airflow.users[*].password", Handler: Literal, RuleID: "airflow-user-password", Severity: finding.High,
		Why:         "a web UI login password",
		Remediation: "Write password: ${ADMIN_PASSWORD} and define ADMIN_PASSWORD in airflow.usersTemplates as kind: secret.",
		Fix: `airflow:
  users:
    - username: admin
      password: ${ADMIN_PASSWORD}
  usersTemplates:
    ADMIN_PASSWORD:
      kind: secret
      name: airflow-users
      key: admin-password`,
	},
	{
		ID: "connection-password", Path: "airflow.connections[*].password", Handler: Literal, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "a password Airflow uses to reach an external system",
		Remediation: "Write password: ${CONN_PASSWORD} and define CONN_PASSWORD in airflow.connectionsTemplates as kind: secret.",
		Fix: `airflow:
  connections:
    - id: my_conn
      password: ${MY_CONN_PASSWORD}
  connectionsTemplates:
    MY_CONN_PASSWORD:
      kind: secret
      name: airflow-connections
      key: my-conn-password`,
	},
	{
		ID: "connection-extra", Path: "airflow.connections[*].extra", Handler: Text, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "connection extras often carry cloud keys, tokens and service-account JSON",
		Remediation: "Replace the secret fields of extra with ${VAR} templates defined in airflow.connectionsTemplates as kind: secret.",
		Fix: `airflow:
  connections:
    - id: my_aws
      type: aws
      extra: |-
        { "aws_access_key_id": "${AWS_KEY_ID}",
          "aws_secret_access_key": "${AWS_SECRET_KEY}" }
  connectionsTemplates:
    AWS_SECRET_KEY:
      kind: secret
      name: airflow-connections
      key: aws-secret-key`,
	},
	{
		ID: "connection-host", Path: "airflow.connections[*].host", Handler: URL, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "a connection host written as a URL with user:password@ embeds the password",
		Remediation: "Keep only the host in host and move the password to password: ${VAR} backed by airflow.connectionsTemplates.",
	},
	{
		ID: "connection-uri", Path: "airflow.connections[*].uri", Handler: URL, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "a connection URI with user:password@ embeds the password",
		Remediation: "Split the URI into host, login and password: ${VAR} backed by airflow.connectionsTemplates.",
	},
	{
		ID: "legacy-connection-password", Path: "scheduler.connections[*].password", Handler: Literal, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "a connection password (chart 7.x layout)",
		Remediation: "Upgrade to airflow.connections with password: ${VAR} backed by airflow.connectionsTemplates.",
	},
	{
		ID: "legacy-connection-extra", Path: "scheduler.connections[*].extra", Handler: Text, RuleID: "airflow-connection-secret", Severity: finding.High,
		Why:         "connection extras (chart 7.x layout) often carry cloud keys and tokens",
		Remediation: "Upgrade to airflow.connections and use ${VAR} templates backed by airflow.connectionsTemplates.",
	},
	{
		ID: "variable-value", Path: "airflow.variables[*].value", Handler: Variable, RuleID: "airflow-variable-secret", Severity: finding.Medium,
		Why:         "a variable that holds a credential is readable by every DAG and in the UI",
		Remediation: "Write value: ${VAR} and define VAR in airflow.variablesTemplates as kind: secret.",
		Fix: `airflow:
  variables:
    - key: api_token
      value: ${API_TOKEN}
  variablesTemplates:
    API_TOKEN:
      kind: secret
      name: airflow-variables
      key: api-token`,
	},
	{
		ID: "config-env", Path: "airflow.config.*", Handler: EnvMap, RuleID: "airflow-config-secret", Severity: finding.High,
		Why:         "airflow.config values are stored in a Secret rendered from your values: the plaintext lives in git and in the Helm release",
		Remediation: "Remove the key from airflow.config and set it with airflow.extraEnv from a Kubernetes Secret (valueFrom.secretKeyRef), or use its _CMD/_SECRET variant.",
		Fix: `airflow:
  extraEnv:
    - name: AIRFLOW__SMTP__SMTP_PASSWORD
      valueFrom:
        secretKeyRef:
          name: airflow-smtp
          key: password`,
	},
	{
		ID: "extra-env", Path: "airflow.extraEnv[*].value", Handler: EnvList, RuleID: "airflow-env-secret", Severity: finding.High,
		Why:         "a literal env value is in git, in the Helm release and in every pod spec",
		Remediation: "Replace value: with valueFrom.secretKeyRef pointing at a Kubernetes Secret.",
		Fix: `airflow:
  extraEnv:
    - name: MY_API_TOKEN
      valueFrom:
        secretKeyRef:
          name: airflow-extra-env
          key: my-api-token`,
	},
	{
		ID: "external-database-password", Path: "externalDatabase.password", Handler: Literal, RuleID: "database-password", Severity: finding.High,
		Why:         "the metadata database password gives full access to every connection, variable and (with the fernet key) their secrets",
		Remediation: "Create a Kubernetes Secret and set externalDatabase.passwordSecret and externalDatabase.passwordSecretKey; leave externalDatabase.password empty.",
		Fix: `externalDatabase:
  password: ""
  passwordSecret: airflow-database
  passwordSecretKey: postgresql-password`,
	},
	{
		ID: "postgresql-password", Path: "postgresql.postgresqlPassword", Handler: Literal, RuleID: "database-password", Severity: finding.High,
		Why:         "the embedded PostgreSQL password protects the metadata database",
		Remediation: "Create a Kubernetes Secret and set postgresql.existingSecret and postgresql.existingSecretKey.",
		Fix: `postgresql:
  existingSecret: airflow-postgresql
  existingSecretKey: postgresql-password`,
	},
	{
		ID: "external-redis-password", Path: "externalRedis.password", Handler: Literal, RuleID: "redis-password", Severity: finding.High,
		Why:         "the Celery broker password: with it anyone on the network can inject tasks",
		Remediation: "Create a Kubernetes Secret and set externalRedis.passwordSecret and externalRedis.passwordSecretKey; leave externalRedis.password empty.",
		Fix: `externalRedis:
  password: ""
  passwordSecret: airflow-redis
  passwordSecretKey: redis-password`,
	},
	{
		ID: "redis-password", Path: "redis.password", Handler: Literal, RuleID: "redis-password", Severity: finding.High,
		Why:         "the embedded Redis password protects the Celery broker",
		Remediation: "Create a Kubernetes Secret and set redis.existingSecret and redis.existingSecretPasswordKey.",
		Fix: `redis:
  existingSecret: airflow-redis
  existingSecretPasswordKey: redis-password`,
	},
	{
		ID: "git-sync-repo", Path: "dags.gitSync.repo", Handler: URL, RuleID: "git-credentials", Severity: finding.High,
		Why:         "a token in the git-sync URL grants access to your DAG repository and shows in pod specs",
		Remediation: "Remove the credentials from the URL and set dags.gitSync.httpSecret (username and password keys) or use SSH with dags.gitSync.sshSecret.",
		Fix: `dags:
  gitSync:
    repo: https://github.com/ORG/REPO.git
    httpSecret: airflow-git-credentials
    httpSecretUsernameKey: username
    httpSecretPasswordKey: password`,
	},
	{
		ID: "legacy-git-url", Path: "dags.git.url", Handler: URL, RuleID: "git-credentials", Severity: finding.High,
		Why:         "a token in the git URL (chart 7.x layout) grants access to your DAG repository",
		Remediation: "Remove the credentials from the URL and use a git Secret (dags.gitSync.httpSecret in chart 8.x).",
	},
	{
		ID: "pip-packages", Path: "airflow.extraPipPackages[*]", Handler: PipArg, RuleID: "pip-index-credentials", Severity: finding.High,
		Why:         "a private package index token in a pip line is installed into every pod and logged by pip",
		Remediation: "Remove the index credentials and bake private packages into the image, or use a pip.conf mounted from a Kubernetes Secret.",
	},
	{
		ID: "component-pip-packages", Path: "*.extraPipPackages[*]", Handler: PipArg, RuleID: "pip-index-credentials", Severity: finding.High,
		Why:         "a private package index token in a pip line is installed into pods and logged by pip",
		Remediation: "Remove the index credentials and bake private packages into the image, or use a pip.conf mounted from a Kubernetes Secret.",
	},
	{
		ID: "webserver-config", Path: "web.webserverConfig.stringOverride", Handler: Python, RuleID: "embedded-code-secret", Severity: finding.High,
		Why:         "webserver_config.py is rendered into a Secret from your values: OAuth client secrets and LDAP bind passwords written here are in git",
		Remediation: "Read the value from the environment in the code (os.environ[\"...\"]) and set that variable with airflow.extraEnv from a Kubernetes Secret, or mount the file with web.webserverConfig.existingSecret.",
		Fix: `web:
  webserverConfig:
    stringOverride: |
      import os
      OAUTH_PROVIDERS = [{"name": "google", "remote_app": {
          "client_secret": os.environ["GOOGLE_CLIENT_SECRET"]}}]
airflow:
  extraEnv:
    - name: GOOGLE_CLIENT_SECRET
      valueFrom:
        secretKeyRef: {name: airflow-oauth, key: client-secret}`,
	},
	{
		ID: "local-settings", Path: "airflow.localSettings.stringOverride", Handler: Python, RuleID: "embedded-code-secret", Severity: finding.High,
		Why:         "airflow_local_settings.py is rendered from your values into every Airflow pod",
		Remediation: "Read the value from the environment in the code and set it with airflow.extraEnv from a Kubernetes Secret, or use airflow.localSettings.existingSecret.",
	},
	{
		ID: "pod-template", Path: "airflow.kubernetesPodTemplate.stringOverride", Handler: Manifest, RuleID: "pod-template-secret", Severity: finding.High,
		Why:         "the pod template is stored in a ConfigMap: literal env values in it are readable by anyone who can read ConfigMaps",
		Remediation: "Use env valueFrom.secretKeyRef in the pod template instead of literal values.",
	},
	{
		ID: "extra-manifests", Path: "extraManifests[*]", Handler: Manifest, Deep: true, RuleID: "extra-manifest-secret", Severity: finding.High,
		Why:         "a Secret written in extraManifests is committed with your values and stored in the Helm release",
		Remediation: "Create the Secret outside the chart (External Secrets Operator, Sealed Secrets, kubectl) and reference it by name.",
	},
}

// References are keys that name Kubernetes Secrets, keys inside them,
// files, or hold public data: never a secret, whatever their value looks
// like. Listing them stops generic rules from guessing.
var References = []string{
	"airflow.image.pullSecret",
	"airflow.usersTemplates", "airflow.connectionsTemplates", "airflow.variablesTemplates",
	"airflow.users[*].username", "airflow.users[*].email", "airflow.users[*].firstName", "airflow.users[*].lastName", "airflow.users[*].role",
	"airflow.connections[*].id", "airflow.connections[*].type", "airflow.connections[*].login", "airflow.connections[*].description",
	"airflow.connections[*].schema", "airflow.connections[*].port",
	"airflow.variables[*].key",
	"airflow.localSettings.existingSecret", "web.webserverConfig.existingSecret",
	"externalDatabase.user", "externalDatabase.userSecret", "externalDatabase.userSecretKey",
	"externalDatabase.passwordSecret", "externalDatabase.passwordSecretKey",
	"externalDatabase.database",
	"externalRedis.passwordSecret", "externalRedis.passwordSecretKey",
	"postgresql.postgresqlUsername", "postgresql.postgresqlDatabase", "postgresql.existingSecret", "postgresql.existingSecretKey",
	"redis.existingSecret", "redis.existingSecretPasswordKey",
	"dags.gitSync.httpSecret", "dags.gitSync.httpSecretUsernameKey", "dags.gitSync.httpSecretPasswordKey",
	"dags.gitSync.sshSecret", "dags.gitSync.sshSecretKey", "dags.gitSync.sshKnownHosts", "dags.gitSync.branch", "dags.gitSync.revision",
	"flower.basicAuthSecret", "flower.basicAuthSecretKey",
	"pgbouncer.clientSSL.*.existingSecret", "pgbouncer.clientSSL.*.existingSecretKey",
	"pgbouncer.serverSSL.*.existingSecret", "pgbouncer.serverSSL.*.existingSecretKey",
	"pgbouncer.statsUsers", "pgbouncer.authType",
	"ingress.web.tls.secretName", "ingress.flower.tls.secretName",
	"serviceAccount.name", "rbac.secrets",
	"dags.git.secret", "dags.git.privateKeyName", "dags.git.repoHost",
}

// SafeSuffixEnv are Airflow's indirections: the variable names where a
// secret lives, never the secret.
var SafeSuffixEnv = []string{"_CMD", "_SECRET"}
