package detect_test

import (
	"testing"

	"github.com/airlockhq/airlock/internal/rule/detect"
)

func TestClassifyKey(t *testing.T) {
	tests := map[detect.KeyClass][]string{
		detect.Credential: {
			"password", "postgresqlPassword", "fernetKey", "webserverSecretKey", "apiKey", "API_KEY", "DD_API_KEY",
			"AIRFLOW__SMTP__SMTP_PASSWORD", "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__WEBSERVER__SECRET_KEY",
			"AIRFLOW__GOOGLE__CLIENT_SECRET", "AIRFLOW__CELERY__FLOWER_BASIC_AUTH", "AWS_SECRET_ACCESS_KEY", "client_secret",
			"token", "slack_api_token", "gitSshKey", "privateKey", "PGPASSWORD", "adminpassword", "secret_id", "db_pass",
			"credentials", "sas_token", "accessKey", "secret",
		},
		detect.Reference: {
			"passwordSecret", "passwordSecretKey", "existingSecret", "existingSecretKey", "existingSecretPasswordKey",
			"basicAuthSecret", "basicAuthSecretKey", "httpSecret", "httpSecretPasswordKey", "sshSecretKey", "userSecret",
			"secretName", "passwordFile", "tokenPath", "secretsDir", "AIRFLOW__CORE__FERNET_KEY_CMD",
			"AIRFLOW__CORE__FERNET_KEY_SECRET", "AIRFLOW__CORE__SQL_ALCHEMY_CONN_SECRET", "passwordKey", "userPasswordKey",
			"token_key", "keyvaultMountPath", "auth_file", "pullSecret", "credentialsSecret",
			"vault.hashicorp.com/agent-inject-secret-db-password", "vault.hashicorp.com/agent-inject-template-db-password",
		},
		detect.Identity: {"user", "username", "login", "email", "AIRFLOW__SMTP__SMTP_USER", "postgresqlUsername"},
		detect.Locator:  {"AIRFLOW__CORE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__RESULT_BACKEND", "connectionString", "repo", "dsn"},
		detect.Neutral: {
			"key", "authType", "auth_type", "AWS_ACCESS_KEY_ID", "client_id", "tokenTTL", "AIRFLOW__LOGGING__REMOTE_LOG_CONN_ID",
			"secretsMap", "keyfile_dict", "AIRFLOW__SECRETS__BACKEND_KWARGS", "sshKnownHosts", "hostKey", "executor", "replicas",
		},
	}
	for want, keys := range tests {
		for _, k := range keys {
			if got := detect.ClassifyKey(k); got != want {
				t.Errorf("ClassifyKey(%q) = %v, want %v", k, got, want)
			}
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"basicAuthSecretKey": "basic auth secretkey", "AIRFLOW__CORE__FERNET_KEY": "airflow core fernet key",
		"apiKEY": "apikey", "HTTPProxyURL": "http proxy url", "client.key": "client key",
	} {
		got := ""
		for i, w := range detect.Words(in) {
			if i > 0 {
				got += " "
			}
			got += w
		}
		if got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}
