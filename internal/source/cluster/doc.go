// Package cluster reads a live Kubernetes cluster for airlock audit:
// Secrets, ConfigMaps, workloads, RBAC objects, Helm release records
// (decoded with the Helm SDK's own storage drivers) and External Secrets
// Operator objects. It is the only package of airlock that imports
// client-go, and it only ever reads: get, list and discovery.
//
// Every failure is an *Error that says which read failed and why
// (forbidden, unauthorized, unreachable, not installed), so the audit can
// report what it could not check and carry on.
package cluster
