#!/bin/sh
# Written by airlock externalize. Least-privilege Secret Manager grants.
# Set each variable to the Google service account its Kubernetes ServiceAccount
# impersonates through Workload Identity.
set -eu
PROJECT=${PROJECT:-my-project}

# the External Secrets Operator store airflow-secret-store (ServiceAccount airflow/airflow-external-secrets)
: "${EXTERNAL_SECRETS_PRINCIPAL:?set EXTERNAL_SECRETS_PRINCIPAL to the Google service account email}"
gcloud secrets add-iam-policy-binding airflow-config-env --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-connections --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-database --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-fernet-key --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-redis --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-users --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-variables --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
gcloud secrets add-iam-policy-binding airflow-webserver-secret-key --project "$PROJECT" --member "serviceAccount:${EXTERNAL_SECRETS_PRINCIPAL}" --role roles/secretmanager.secretAccessor
