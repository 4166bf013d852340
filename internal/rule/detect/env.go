package detect

import "strings"

// ClassifyEnv judges an environment variable's literal value by its name:
// AIRFLOW__SECTION__OPTION names, AIRFLOW_CONN_* connection URIs,
// AIRFLOW_VAR_* variables and ordinary names (AWS_SECRET_ACCESS_KEY).
// *_CMD and Airflow's *_SECRET indirections never hold the secret.
func ClassifyEnv(name, v string) (Hit, bool) {
	up := strings.ToUpper(name)
	switch {
	case strings.HasSuffix(up, "_CMD"):
		return Hit{}, false
	case strings.HasPrefix(up, "AIRFLOW_CONN_"):
		if NotSecret(v) {
			return Hit{}, false
		}
		if h, ok := Inspect(v); ok {
			h.Detail = "connection " + name + ": " + h.Detail
			return h, true
		}
		return Hit{}, false
	case strings.HasPrefix(up, "AIRFLOW_VAR_"):
		return ClassifyKeyValue(name[len("AIRFLOW_VAR_"):], v)
	}
	h, ok := ClassifyKeyValue(name, v)
	if ok && h.Kind == KeyName {
		h.Kind = EnvValue
		h.Detail = "literal value of environment variable " + name
	}
	return h, ok
}
