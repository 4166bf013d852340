#!/bin/sh
# Written by airlock externalize. Least-privilege Key Vault role assignments
# (the vault must use the Azure RBAC permission model). VAULT_ID is the vault's
# resource id; each variable is the principal id of a workload identity.
set -eu
: "${VAULT_ID:?set VAULT_ID to the key vault resource id}"

# the External Secrets Operator store airflow-secret-store (ServiceAccount airflow/airflow-external-secrets)
: "${EXTERNAL_SECRETS_PRINCIPAL:?set EXTERNAL_SECRETS_PRINCIPAL to the principal id}"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-config-env"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-connections"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-database"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-fernet-key"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-redis"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-users"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-variables"
az role assignment create --role "Key Vault Secrets User" --assignee-object-id "${EXTERNAL_SECRETS_PRINCIPAL}" --assignee-principal-type ServicePrincipal --scope "$VAULT_ID/secrets/airflow-webserver-secret-key"
