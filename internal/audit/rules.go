package audit

import (
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
)

// Rule ids of the cluster checks. Release history findings keep the id of
// the scan rule that found them, so one suppression covers both.
const (
	RuleSecretReader        = "secret-reader"
	RuleAirflowSecretReader = "airflow-sa-secret-reader"
	RuleReleaseInConfigMap  = "helm-release-in-configmap"
	RuleSecretMissing       = "secret-missing"
	RuleSecretKeyMissing    = "secret-key-missing"
	RuleRotationOverdue     = "secret-rotation-overdue"
	RuleSecretPublicDefault = "secret-public-default"
	RuleESNotReady          = "external-secret-not-ready"
	RuleESStale             = "external-secret-stale"
	RuleESNoRefresh         = "external-secret-no-refresh"
	RuleWorkloadLiteral     = "workload-literal-secret"
	RuleConfigMapCredential = "configmap-credential"
)

// Rules returns the metadata of the cluster checks.
func Rules() []rule.Meta {
	return []rule.Meta{
		{ID: RuleSecretReader, Title: "Identity can read Secrets", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "A user, group or service account can get, list or watch Secrets in the namespace through RBAC. Severity follows breadth: every Secret in the cluster, in the namespace, or named ones; Kubernetes' own bootstrap identities are informational.",
			Remediation: "Remove the binding or narrow the role to the Secrets the subject needs with resourceNames; list and watch expose every Secret's data."},
		{ID: RuleAirflowSecretReader, Title: "Airflow service account can read Secrets", Class: finding.Misconfig, Severity: finding.High,
			Description: "A service account that Airflow pods run as can read Secrets. Workers run arbitrary DAG code, so every DAG author can read every Secret the account can.",
			Remediation: "Set rbac.secrets: false in the chart values and remove other bindings that grant Secret reads to Airflow's service account; give DAGs credentials through Airflow connections or a secrets backend instead."},
		{ID: RuleReleaseInConfigMap, Title: "Helm release stored in ConfigMaps", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "The release uses Helm's ConfigMap storage driver: every value of every revision, secrets included, is readable by anyone who can read ConfigMaps.",
			Remediation: "Use Helm's default Secret storage driver (unset HELM_DRIVER) and move secret values into Kubernetes Secrets referenced from the values."},
		{ID: RuleSecretMissing, Title: "Referenced Secret does not exist", Class: finding.Misconfig, Severity: finding.High,
			Description: "An Airflow workload references a Secret that does not exist in the namespace: the pod cannot start (or starts without the value when the reference is optional).",
			Remediation: "Create the Secret (or the ExternalSecret that writes it) before deploying, or fix the reference."},
		{ID: RuleSecretKeyMissing, Title: "Referenced Secret key does not exist", Class: finding.Misconfig, Severity: finding.High,
			Description: "An Airflow workload references a key that the Secret does not hold.",
			Remediation: "Add the key to the Secret, or fix the key name in the reference."},
		{ID: RuleRotationOverdue, Title: "Secret not rotated within its limit", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "The data of a Secret that Airflow uses has not changed for longer than the rotation limit of its kind (audit.rotation in .airlock.yaml).",
			Remediation: "Rotate the credential at its source and update the Secret; for the fernet key, prepend a new key to AIRFLOW__CORE__FERNET_KEY and run airflow rotate-fernet-key."},
		{ID: RuleSecretPublicDefault, Title: "Secret holds a public chart default", Class: finding.InsecureDefault, Severity: finding.Critical,
			Description: "A Secret that Airflow uses holds a credential published in the airflow-helm chart's values.yaml (the default fernet key, webserver secret key or embedded database password).",
			Remediation: "Generate a new random value, store it in the Secret and restart Airflow; for the fernet key, rotate with airflow rotate-fernet-key so existing connections stay readable."},
		{ID: RuleESNotReady, Title: "ExternalSecret is not syncing", Class: finding.Misconfig, Severity: finding.High,
			Description: "An External Secrets Operator ExternalSecret is not Ready: its Secret is stale or missing, and rotations at the provider do not reach Airflow.",
			Remediation: "Fix the cause in the ExternalSecret's Ready condition (store credentials, remote key name, permissions)."},
		{ID: RuleESStale, Title: "ExternalSecret has not synced recently", Class: finding.Misconfig, Severity: finding.Medium,
			Description: "The ExternalSecret's last sync is much older than its refresh interval.",
			Remediation: "Check the External Secrets Operator controller and the ExternalSecret's events."},
		{ID: RuleESNoRefresh, Title: "ExternalSecret never refreshes", Class: finding.Misconfig, Severity: finding.Low,
			Description: "The ExternalSecret's refreshInterval is 0: it synced once, and rotations at the provider never reach the cluster.",
			Remediation: "Set spec.refreshInterval (for example 1h)."},
		{ID: RuleWorkloadLiteral, Title: "Literal secret in a workload", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A container's environment or arguments hold a credential in plain text: anyone who can read the workload (a far wider group than Secret readers) sees it.",
			Remediation: "Move the value into a Secret and reference it with valueFrom.secretKeyRef."},
		{ID: RuleConfigMapCredential, Title: "Credential in a ConfigMap", Class: finding.Hardcoded, Severity: finding.High,
			Description: "A ConfigMap holds a credential. ConfigMaps are not meant for secrets: they are readable by far more identities and are not encrypted at rest.",
			Remediation: "Move the credential into a Secret and mount or reference it from there."},
	}
}

// Meta returns one rule's metadata.
func Meta(id string) rule.Meta {
	for _, m := range Rules() {
		if m.ID == id {
			return m
		}
	}
	return rule.Meta{ID: id}
}
