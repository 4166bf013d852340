package policy

import (
	"strings"

	"github.com/airlockhq/airlock/internal/rule/detect"
)

// Classify decides which rotation kind a Secret key is, from how a
// workload uses it (the environment variable it becomes, "" for a file),
// the key's name and the Secret's type. It returns "" for keys that are
// not credentials (user names, hosts, ports): they do not need rotating.
func Classify(envName, key, secretType string) Kind {
	switch secretType {
	case "kubernetes.io/tls":
		return TLS
	case "kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg":
		return Registry
	case "kubernetes.io/ssh-auth":
		return SSHKey
	case "kubernetes.io/service-account-token":
		return Token
	}
	if k := byEnv(strings.ToUpper(envName)); k != "" {
		return k
	}
	return byKey(key)
}

// byEnv knows the environment variables Airflow and the airflow-helm
// chart read credentials from.
func byEnv(env string) Kind {
	switch {
	case env == "":
		return ""
	case env == "AIRFLOW__CORE__FERNET_KEY":
		return FernetKey
	case env == "AIRFLOW__WEBSERVER__SECRET_KEY" || env == "AIRFLOW__API__SECRET_KEY":
		return WebserverSecretKey
	case strings.HasSuffix(env, "SQL_ALCHEMY_CONN") || env == "AIRFLOW__CELERY__RESULT_BACKEND" ||
		env == "DATABASE_PASSWORD" || strings.HasPrefix(env, "PG") && strings.HasSuffix(env, "PASSWORD"):
		return DatabasePassword
	case env == "AIRFLOW__CELERY__BROKER_URL" || env == "REDIS_PASSWORD":
		return RedisPassword
	case strings.HasPrefix(env, "AIRFLOW_CONN_"):
		return Connection
	case strings.HasSuffix(env, "_CMD"):
		return ""
	}
	return ""
}

// byKey classifies by the key's name: the chart's conventional key names
// first, then generic credential words.
func byKey(key string) Kind {
	w := strings.ToLower(key)
	switch {
	case strings.Contains(w, "fernet"):
		return FernetKey
	case strings.Contains(w, "webserver") && strings.Contains(w, "secret"):
		return WebserverSecretKey
	case strings.Contains(w, "redis") && !identityOrLocator(key):
		return RedisPassword
	case (strings.Contains(w, "postgres") || strings.Contains(w, "mysql") || strings.Contains(w, "database") || strings.HasPrefix(w, "db")) &&
		strings.Contains(w, "pass"):
		return DatabasePassword
	case strings.Contains(w, "id_rsa") || strings.Contains(w, "id_ed25519") || strings.Contains(w, "ssh") || strings.Contains(w, "deploy-key"):
		return SSHKey
	case w == "tls.crt" || w == "tls.key" || w == "ca.crt":
		return TLS
	case w == ".dockerconfigjson" || w == ".dockercfg":
		return Registry
	}
	switch detect.ClassifyKey(key) {
	case detect.Credential:
		if strings.Contains(w, "token") || strings.Contains(w, "api") {
			return Token
		}
		return Other
	case detect.Identity, detect.Locator, detect.Reference:
		return ""
	}
	if identityOrLocator(key) {
		return ""
	}
	return Other
}

func identityOrLocator(key string) bool {
	switch detect.ClassifyKey(key) {
	case detect.Identity, detect.Locator:
		return true
	}
	w := strings.ToLower(key)
	return strings.HasSuffix(w, "host") || strings.HasSuffix(w, "port") || strings.HasSuffix(w, "user") || strings.HasSuffix(w, "database") || strings.HasSuffix(w, "db")
}
