# Written by airlock externalize. Read-only access for the Airflow Celery workers:
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/config/smtp_smtp_password" {
  capabilities = ["read"]
}

path "secret/data/airflow/connections/warehouse" {
  capabilities = ["read"]
}

path "secret/data/airflow/database" {
  capabilities = ["read"]
}

path "secret/data/airflow/fernet-key" {
  capabilities = ["read"]
}

path "secret/data/airflow/redis" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/environment" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/slack_token" {
  capabilities = ["read"]
}

path "secret/data/airflow/webserver-secret-key" {
  capabilities = ["read"]
}
