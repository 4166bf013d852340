package plan

import (
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// handler fixes one group and returns "" or the reason it cannot.
type handler func(ch *change) string

type route struct {
	pattern yamltree.Pattern
	h       handler
}

// routes map values paths to the chart mechanism that replaces them, most
// specific first. Paths without a route are skipped with the catalog's
// remediation.
var routes = []route{
	{yamltree.ParsePattern("airflow.fernetKey"), chartKeyEnv("AIRFLOW__CORE__FERNET_KEY", CompFernetKey, fernetKey)},
	{yamltree.ParsePattern("airflow.webserverSecretKey"), chartKeyEnv("AIRFLOW__WEBSERVER__SECRET_KEY", CompWebserverKey, token)},
	{yamltree.ParsePattern("airflow.users[*].password"), templated(usersList)},
	{yamltree.ParsePattern("airflow.connections[*].password"), templated(connectionsList)},
	{yamltree.ParsePattern("airflow.connections[*].host"), templated(connectionsList)},
	{yamltree.ParsePattern("airflow.connections[*].extra"), templated(connectionsList)},
	{yamltree.ParsePattern("airflow.variables[*].value"), templated(variablesList)},
	{yamltree.ParsePattern("airflow.config.*"), configEnv},
	{yamltree.ParsePattern("airflow.extraEnv[*].value"), envValue(CompExtraEnv)},
	{yamltree.ParsePattern("externalDatabase.password"), externalPassword(dbRef)},
	{yamltree.ParsePattern("externalRedis.password"), externalPassword(redisRef)},
	{yamltree.ParsePattern("postgresql.postgresqlPassword"), embeddedPassword(dbRef)},
	{yamltree.ParsePattern("redis.password"), embeddedPassword(redisRef)},
	{yamltree.ParsePattern("dags.gitSync.repo"), gitRepo},
}

func handlerFor(p yamltree.Path) handler {
	if len(p) == 0 {
		return nil
	}
	for _, r := range routes {
		if p.Match(r.pattern) {
			return r.h
		}
	}
	// Container env lists elsewhere in the values (extraContainers,
	// extraInitContainers, sidecars) take secretKeyRef the same way;
	// extraManifests are whole objects that fix does not rewrite.
	if len(p) >= 3 && p.Last() == "value" && p[len(p)-2].IsIndex && p[len(p)-3].Key == "env" && p[0].Key != "extraManifests" {
		return envValue(CompExtraEnv)
	}
	return nil
}

// envItem is an env entry that reads a Secret key.
func envItem(name, secret, key string) edit.Frag {
	return edit.Map("name", name, "valueFrom", secretKeyRef(secret, key))
}

func secretKeyRef(secret, key string) edit.Frag {
	return edit.Map("secretKeyRef", edit.Map("name", secret, "key", key))
}
