// Package policy generates least-privilege access grants for the secrets
// airlock externalize puts in a secret manager: for each identity that
// reads secrets (an Airflow component, the External Secrets Operator),
// read-only access to exactly the secrets it needs, and for the person or
// pipeline that runs --push, write access to exactly the secrets pushed.
//
//   - Vault: an HCL policy per identity and a Kubernetes auth role binding
//     it to the identity's ServiceAccount and namespace, plus apply.sh;
//   - AWS: an IAM policy document per identity (for IRSA roles);
//   - Google Cloud and Azure: a script granting the reader role on each
//     secret (Secret Manager Secret Accessor, Key Vault Secrets User).
//
// Output is deterministic: sorted, no timestamps, byte-identical across
// runs for the same inputs.
package policy
