#!/bin/sh
# Written by airlock externalize. Least-privilege Secret Manager grants.
# Set each variable to the Google service account its Kubernetes ServiceAccount
# impersonates through Workload Identity.
set -eu
PROJECT=${PROJECT:-my-project}

# Airflow's secrets backend (every Airflow pod) (ServiceAccount airflow/airflow)
: "${BACKEND_PRINCIPAL:?set BACKEND_PRINCIPAL to the Google service account email}"
gcloud secrets add-iam-policy-binding airflow-config-core_fernet_key --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-config-smtp_smtp_password --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-config-webserver_secret_key --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-connections-warehouse --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-variables-environment --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-variables-slack_token --project "$PROJECT" --member "serviceAccount:${BACKEND_PRINCIPAL}" --role roles/secretmanager.secretAccessor

# the External Secrets Operator store airflow-secret-store (ServiceAccount airflow/airflow-external-secrets)
: "${EXTERNAL_SECRETS_PRINCIPAL:?set EXTERNAL_SECRETS_PRINCIPAL to the Google service account email}"
gcloud secrets add-iam-policy-binding airflow-database --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-redis --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-users --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
