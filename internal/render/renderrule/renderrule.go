// Package renderrule holds the metadata of the checks `airlock scan
// --render` runs on what a chart deploys. It is separate from package
// render so the rule registry can list these rules without depending on
// the rendering machinery.
package renderrule

import (
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Rule ids.
const (
	SecretData      = "rendered-secret-data"
	ConfigMapSecret = "rendered-configmap-secret"
	EnvSecret       = "rendered-env-secret"
	DanglingSecret  = "dangling-secret-ref"
	DanglingConfig  = "dangling-configmap-ref"
	TemplateVar     = "undefined-template-var"
	CmdShadowed     = "cmd-config-shadowed"
	RBACSecrets     = "rbac-secrets-read"
	EnvConsumption  = "secret-consumption"
)

const chartDocs = "https://github.com/airflow-helm/charts/tree/main/charts/airflow/docs/faq/"

// Metas returns the rules in report order. A new slice each call, so
// callers cannot change what others see.
func Metas() []rule.Meta {
	return []rule.Meta{
		{ID: SecretData, Title: "Credential in a rendered Secret", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A Secret the chart renders (or a manifest holds) carries a credential in data or stringData: it comes from a literal in your values or manifests, so it is in git and in the Helm release.",
			Remediation: "Create the Secret outside the chart (External Secrets Operator, Sealed Secrets, SOPS) and point the chart at it with the matching *Secret/existingSecret value.",
			HelpURI:     chartDocs + "security/"},
		{ID: ConfigMapSecret, Title: "Credential in a rendered ConfigMap", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A ConfigMap holds a credential; ConfigMaps are readable by anyone allowed to read configuration and are not encrypted at rest.",
			Remediation: "Move the credential to a Kubernetes Secret and reference it (valueFrom.secretKeyRef or a secret volume)."},
		{ID: EnvSecret, Title: "Literal secret in a container's environment", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A rendered container sets a secret environment variable with a literal value, visible in the pod spec to anyone who can read pods.",
			Remediation: "Use valueFrom.secretKeyRef (airflow.extraEnv) with a Kubernetes Secret instead of value.",
			HelpURI:     chartDocs + "kubernetes/mount-environment-variables.md"},
		{ID: DanglingSecret, Title: "Reference to a Secret or key that does not exist", Class: finding.Misconfig, Severity: finding.High,
			Description: "A secretKeyRef, envFrom.secretRef, secret volume, *Secret/existingSecret value or *Templates entry names a Secret (or a key) that is neither rendered by the chart nor given with --secrets-from: the pod will not start (CreateContainerConfigError or a volume mount failure).",
			Remediation: "Create the Secret with that key before installing (or pass its manifest with --secrets-from), or correct the name and key in your values."},
		{ID: DanglingConfig, Title: "Reference to a ConfigMap or key that does not exist", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "A configMapKeyRef, envFrom.configMapRef, configMap volume or *Templates entry of kind configmap names a ConfigMap (or key) that is not rendered and not given with --secrets-from: the pod will not start.",
			Remediation: "Create the ConfigMap with that key before installing, or correct the name and key in your values."},
		{ID: TemplateVar, Title: "${VAR} without a matching *Templates entry", Class: finding.Misconfig, Severity: finding.High,
			Description: "A user, connection or variable field uses ${VAR} but airflow.usersTemplates/connectionsTemplates/variablesTemplates defines no VAR: the sync job cannot substitute it, and the literal text \"${VAR}\" becomes the password or value.",
			Remediation: "Define VAR in the matching *Templates map (kind: secret, name, key), or fix the variable name.",
			HelpURI:     chartDocs + "security/airflow-users.md"},
		{ID: CmdShadowed, Title: "An Airflow *_CMD/*_SECRET setting is ignored", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "A container gets both AIRFLOW__SECTION__KEY and AIRFLOW__SECTION__KEY_CMD (or _SECRET): Airflow uses the plain variable and never runs the command, so the secret you meant to load is not used (for the fernet key: a non-empty airflow.fernetKey wins over AIRFLOW__CORE__FERNET_KEY_CMD).",
			Remediation: "Remove the plain value (set airflow.fernetKey or airflow.webserverSecretKey to \"\", or drop the airflow.config/extraEnv entry) so the _CMD/_SECRET variant takes effect.",
			HelpURI:     "https://airflow.apache.org/docs/apache-airflow/stable/howto/set-config.html"},
		{ID: RBACSecrets, Title: "Workloads can read Secrets through RBAC", Class: finding.Misconfig, Severity: finding.High,
			Description: "A Role or ClusterRole grants get, list or watch on secrets and is bound to subjects; with the chart's rbac.secrets: true the Airflow service account (workers, DAG code) can read every Secret in the namespace.",
			Remediation: "Set rbac.secrets: false unless a secrets backend needs it, and restrict any custom Role to the named Secrets (resourceNames) the workload needs.",
			HelpURI:     chartDocs + "kubernetes/kubernetes-rbac.md"},
		{ID: EnvConsumption, Title: "How a Secret reaches containers (environment variables or files)", Class: finding.Misconfig, Severity: finding.Info,
			Description: "Informational (with --consumption): which Secrets are passed to containers as environment variables (the chart's recommended secretKeyRef) and which as mounted files. Environment variables can leak through logs, crash dumps and child processes; CIS Kubernetes Benchmark 5.4.1 prefers files.",
			Remediation: "Nothing is required; to pass CIS 5.4.1, mount the Secret as a volume and point Airflow at the file with the setting's _CMD variant (for example AIRFLOW__CORE__FERNET_KEY_CMD: \"cat /opt/airflow/secrets/fernet-key\").",
			HelpURI:     "https://airflow.apache.org/docs/apache-airflow/stable/howto/set-config.html"},
	}
}
