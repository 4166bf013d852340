// Package externalize is the engine of `airlock externalize`: it takes a
// deployment of the airflow-helm chart from secrets in Helm values to an
// external secret manager (HashiCorp Vault, AWS Secrets Manager, Google
// Secret Manager, Azure Key Vault) in one reviewed change, in one of three
// integration styles:
//
//   - eso: the values reference Kubernetes Secrets (exactly as `airlock
//     fix` rewrites them) that External Secrets Operator ExternalSecrets
//     create and refresh from the manager; the chart's *Update sync
//     settings stay on so rotated connections, users and variables reach
//     Airflow.
//   - vault-agent: Vault Agent Injector annotations on every Airflow
//     component render one file per secret, and Airflow reads the files
//     (_CMD options, the chart's password commands, LocalFilesystemBackend
//     for connections and variables), never environment variables.
//   - airflow-backend: Airflow's own secrets backend reads connections,
//     variables and sensitive options from the manager.
//
// What a style cannot serve (a Redis subchart password, git-sync
// credentials, user passwords the chart's sync reads from Kubernetes
// Secrets, arbitrary environment variables) goes the eso way, so the
// manager stays the single source of truth; the report says which and why.
//
// Run builds on package fix: fix.Prepare plans and edits the values in
// memory, with the paths a style handles itself excluded; those get their
// own edits in a second, equally verified splice. The secret values go
// to the manager with --push (package remote, idempotent, never logged) or
// to a 0600 file outside the git work tree; manifests, least-privilege
// policies (package policy) and the values changes hold none.
package externalize
