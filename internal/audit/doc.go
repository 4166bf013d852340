// Package audit is the model of `airlock audit`, a read-only audit of
// what runs in a live cluster rather than what sits in git:
//
//   - Helm release history: every revision's user-supplied values, scanned
//     with the same rules as `airlock scan` (sub-package history);
//   - who can read Secrets: RBAC evaluated from Roles, ClusterRoles
//     (aggregation, wildcards, resourceNames) and their bindings
//     (sub-package access);
//   - Secrets in use: references of Airflow workloads, whether they
//     resolve, how old the data is against rotation limits, and External
//     Secrets Operator sync status (sub-package inuse);
//   - literal secrets in workloads and credentials in ConfigMaps
//     (sub-package literal).
//
// This package holds what they share: the Finding (a scan finding plus the
// cluster object, release revisions, subject or age it is about), the Gap
// (something that could not be checked, and why), the Result and the
// rule metadata. The auditor sub-package reads the cluster and runs the
// checks; output writes text, JSON and SARIF.
package audit
