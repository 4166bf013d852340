// Package workload is a small model of what a set of Kubernetes manifests
// deploys: every pod-bearing object (Pod, Deployment, StatefulSet,
// DaemonSet, ReplicaSet, Job, CronJob, PodTemplate, and the Airflow
// KubernetesExecutor pod template stored in a ConfigMap) with its
// containers, their environment, envFrom sources, volumes and mounts and
// the pod's service account; plus the Secrets and ConfigMaps by name with
// their keys.
//
// It answers one question for the rest of airlock: which container gets
// which environment variable or file from which Secret (or ConfigMap) key,
// and which references do not resolve. Every element keeps the
// yamltree node and path it was read from, so callers can report a
// position in the manifest (or trace it back to Helm values).
//
//	set := workload.FromManifests(docs)
//	for _, w := range set.Workloads {
//		for _, c := range w.Containers {
//			env, dangling := set.ResolveEnv(c)
//			files, more := set.ResolveFiles(c)
//			...
//		}
//	}
//
// The model is read-only and tolerant: objects of unknown kinds are
// ignored, and malformed fields are skipped rather than reported, because
// validating manifests is the API server's job, not airlock's.
package workload
