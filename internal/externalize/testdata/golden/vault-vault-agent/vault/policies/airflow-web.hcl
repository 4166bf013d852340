# Written by airlock externalize. Read-only access for the Airflow webserver:
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/config/smtp_smtp_password" {
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

path "secret/data/airflow/webserver-secret-key" {
  capabilities = ["read"]
}
