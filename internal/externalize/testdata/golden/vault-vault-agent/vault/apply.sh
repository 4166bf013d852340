#!/bin/sh
# Written by airlock externalize. Loads the least-privilege policies and the
# Kubernetes auth roles into Vault (VAULT_ADDR and VAULT_TOKEN of an admin).
# Enable Kubernetes auth once first: vault auth enable kubernetes, then
# vault write auth/kubernetes/config kubernetes_host=https://<API server>.
set -eu
cd "$(dirname "$0")"
vault policy write airflow-db-migrations policies/airflow-db-migrations.hcl
vault write auth/kubernetes/role/airflow-db-migrations @roles/airflow-db-migrations.json
vault policy write airflow-external-secrets policies/airflow-external-secrets.hcl
vault write auth/kubernetes/role/airflow-external-secrets @roles/airflow-external-secrets.json
vault policy write airflow-flower policies/airflow-flower.hcl
vault write auth/kubernetes/role/airflow-flower @roles/airflow-flower.json
vault policy write airflow-kubernetes-pod policies/airflow-kubernetes-pod.hcl
vault write auth/kubernetes/role/airflow-kubernetes-pod @roles/airflow-kubernetes-pod.json
vault policy write airflow-scheduler policies/airflow-scheduler.hcl
vault write auth/kubernetes/role/airflow-scheduler @roles/airflow-scheduler.json
vault policy write airflow-sync policies/airflow-sync.hcl
vault write auth/kubernetes/role/airflow-sync @roles/airflow-sync.json
vault policy write airflow-triggerer policies/airflow-triggerer.hcl
vault write auth/kubernetes/role/airflow-triggerer @roles/airflow-triggerer.json
vault policy write airflow-web policies/airflow-web.hcl
vault write auth/kubernetes/role/airflow-web @roles/airflow-web.json
vault policy write airflow-workers policies/airflow-workers.hcl
vault write auth/kubernetes/role/airflow-workers @roles/airflow-workers.json
# For the person or pipeline that runs `airlock externalize --push`:
vault policy write airflow-push policies/airflow-push.hcl
