// Package plan decides how `airlock fix` removes each hardcoded secret and
// insecure default from values files, the airflow-helm chart's own way.
//
// A Plan is plain data, built from scan findings, the parsed values files
// and the chart defaults, and reusable by anything that moves secrets out
// of values (`airlock fix` writes Kubernetes Secrets or ExternalSecrets;
// a secret-manager exporter can read the same plan):
//
//   - Secrets: the Kubernetes Secrets the values will reference, each with
//     its keys and values (moved literals, or freshly generated values
//     that replace public chart defaults);
//   - Moves: one per fixed finding: which values path went to which
//     Secret name and key, and through which chart mechanism;
//   - Files: per values file, the edit.Op list that rewrites it;
//   - Skipped: findings left alone, each with the reason.
//
// Build never writes anything; fix applies Files with package edit and
// renders Secrets with package manifest.
package plan
