#!/bin/sh
# Written by airlock externalize. Loads the least-privilege policies and the
# Kubernetes auth roles into Vault (VAULT_ADDR and VAULT_TOKEN of an admin).
# Enable Kubernetes auth once first: vault auth enable kubernetes, then
# vault write auth/kubernetes/config kubernetes_host=https://<API server>.
set -eu
cd "$(dirname "$0")"
vault policy write airflow-external-secrets policies/airflow-external-secrets.hcl
vault write auth/kubernetes/role/airflow-external-secrets @roles/airflow-external-secrets.json
# For the person or pipeline that runs `airlock externalize --push`:
vault policy write airflow-push policies/airflow-push.hcl
