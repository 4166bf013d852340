// Package render checks what a chart will actually put into the cluster.
// It renders the chart in-process with the Helm SDK, exactly as `helm
// template` would (values from -f and --set merged the helm CLI's way),
// reads the result with package workload, and reports:
//
//   - literal credentials in rendered Secrets, ConfigMaps and container
//     environments, traced back to the values line that produced them so
//     the user fixes the source, not the output;
//   - references (secretKeyRef, envFrom, secret volumes, *Secret values,
//     *Templates entries) to Secrets or keys that exist nowhere: the pod
//     would not start;
//   - ${VAR} in users, connections and variables with no *Templates entry;
//   - Airflow *_CMD settings shadowed by a plain value (fernetKey);
//   - RBAC that lets workloads read Secrets, with the subjects bound to it;
//   - informational: which Secrets reach containers as environment
//     variables and which as files (CIS 5.4.1).
//
// CheckManifests runs the manifest checks on any documents, rendered or
// given by the user (the output of `helm template` or kustomize). Run does
// the whole `airlock scan --render`: the values scan, rendering, checks,
// and deduplication against the values findings.
package render
