# Written by airlock externalize. Write access for whoever runs `airlock externalize --push`:
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/config/smtp_smtp_password" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/config/smtp_smtp_password" {
  capabilities = ["read"]
}

path "secret/data/airflow/connections/warehouse" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/connections/warehouse" {
  capabilities = ["read"]
}

path "secret/data/airflow/database" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/database" {
  capabilities = ["read"]
}

path "secret/data/airflow/fernet-key" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/fernet-key" {
  capabilities = ["read"]
}

path "secret/data/airflow/redis" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/redis" {
  capabilities = ["read"]
}

path "secret/data/airflow/users" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/users" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/environment" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/variables/environment" {
  capabilities = ["read"]
}

path "secret/data/airflow/variables/slack_token" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/variables/slack_token" {
  capabilities = ["read"]
}

path "secret/data/airflow/webserver-secret-key" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/webserver-secret-key" {
  capabilities = ["read"]
}
