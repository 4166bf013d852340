// Package remote is the provider-neutral model of what airlock externalize
// keeps in a secret manager, and the idempotent push of it.
//
// A Secret is one object in the manager: a Vault KV v2 secret, an AWS
// Secrets Manager secret, a Google Secret Manager secret or an Azure Key
// Vault secret. It holds named properties (a KV map in Vault, a JSON object
// in the clouds) or, when Raw, one plain string (what Airflow's cloud
// secrets backends expect for a Variable). Readers name the identities
// (Airflow components, the External Secrets Operator) that need read
// access, which the policy package turns into least-privilege grants.
//
// Sync reads each secret first and writes only when a property is new or
// different, keeping properties it does not manage and values that were
// generated earlier, and reports per secret which property names were
// created, updated or left unchanged. It never reports, logs or returns a
// value.
package remote
