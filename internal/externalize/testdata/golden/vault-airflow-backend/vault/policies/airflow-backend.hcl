# Written by airlock externalize. Read-only access for Airflow's secrets backend (every Airflow pod):
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/config/core_fernet_key" {
  capabilities = ["read"]
}

path "secret/data/airflow/config/smtp_smtp_password" {
  capabilities = ["read"]
}

path "secret/data/airflow/config/webserver_secret_key" {
  capabilities = ["read"]
}

path "secret/data/airflow/connections/warehouse" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/environment" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/slack_token" {
  capabilities = ["read"]
}
