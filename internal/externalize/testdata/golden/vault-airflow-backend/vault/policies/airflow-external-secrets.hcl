# Written by airlock externalize. Read-only access for the External Secrets Operator store airflow-secret-store:
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/database" {
  capabilities = ["read"]
}

path "secret/data/airflow/redis" {
  capabilities = ["read"]
}

path "secret/data/airflow/users" {
  capabilities = ["read"]
}
