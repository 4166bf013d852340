// Package vault pushes secrets to HashiCorp Vault's KV version 2 engine
// through the official Go client (github.com/hashicorp/vault/api), with
// check-and-set writes so a concurrent change is detected instead of
// overwritten.
//
// The client is configured the way the vault CLI is: VAULT_ADDR,
// VAULT_TOKEN (or ~/.vault-token), VAULT_NAMESPACE, VAULT_CACERT and the
// other standard environment variables. airlock never takes a token on
// the command line, where it would show in the process list and shell
// history.
package vault
