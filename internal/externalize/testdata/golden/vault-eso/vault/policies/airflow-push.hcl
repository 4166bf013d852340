# Written by airlock externalize. Write access for whoever runs `airlock externalize --push`:
# exactly the secrets it needs, nothing else.

path "secret/data/airflow/config-env" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/config-env" {
  capabilities = ["read"]
}

path "secret/data/airflow/connections" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/connections" {
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

path "secret/data/airflow/variables" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/variables" {
  capabilities = ["read"]
}

path "secret/data/airflow/webserver-secret-key" {
  capabilities = ["create", "read", "update"]
}

path "secret/metadata/airflow/webserver-secret-key" {
  capabilities = ["read"]
}
