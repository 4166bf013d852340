// Package manifest renders what fix hands to Kubernetes: v1 Secrets
// (which hold secret values and are written with mode 0600), External
// Secrets Operator ExternalSecret and SecretStore manifests (which hold
// none and are safe to commit), and the values file a user loads into the
// secret manager. It uses small local structs instead of the ESO Go
// types, whose dependencies would clash with the Helm SDK's.
package manifest
