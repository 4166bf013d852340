package catalog

import (
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Keys only the user-community chart has under airflow:.
var communityAirflowKeys = []string{"executor", "fernetKey", "webserverSecretKey", "config", "users", "usersTemplates",
	"connections", "connectionsTemplates", "variables", "pools", "extraEnv", "image", "legacyCommands",
	"kubernetesPodTemplate", "dbMigrations", "sync", "extraPipPackages", "localSettings", "extraVolumeMounts", "defaultSecurityContext"}

// Top-level keys only the user-community chart has.
var communityTopKeys = []string{"externalDatabase", "externalRedis", "extraManifests", "serviceMonitor", "prometheusRule", "web"}

// Top-level keys only the official apache/airflow chart has.
var officialTopKeys = []string{"executor", "fernetKey", "fernetKeySecretName", "webserverSecretKey", "webserverSecretKeySecretName",
	"defaultAirflowRepository", "defaultAirflowTag", "airflowVersion", "images", "webserver", "data", "createUserJob",
	"migrateDatabaseJob", "statsd", "dagProcessor", "apiServer", "env", "secret", "extraSecrets", "extraConfigMaps",
	"extraEnvFrom", "elasticsearch", "kerberos", "airflowHome", "config", "uid", "gid", "networkPolicies", "cleanup",
	"allowPodLaunching", "airflowPodAnnotations", "multiNamespaceMode", "podTemplate", "enableBuiltInSecretEnvVars",
	"useStandardNaming", "securityContexts", "ports", "quotas", "registry", "labels", "apiSecretKeySecretName", "jwtSecretName"}

func count(m *yamltree.Node, keys []string) int {
	n := 0
	for _, k := range keys {
		if m.Has(k) {
			n++
		}
	}
	return n
}

// looksCommunity reports values laid out for airflow-helm at this node.
func looksCommunity(m *yamltree.Node) bool {
	if m == nil || m.Kind != yamltree.Map {
		return false
	}
	if a := m.Get("airflow"); a != nil && a.Kind == yamltree.Map && count(a, communityAirflowKeys) > 0 {
		return true
	}
	return count(m, communityTopKeys) > 0
}

// looksOfficial reports values clearly written for the apache/airflow chart.
func looksOfficial(m *yamltree.Node) bool {
	return m != nil && m.Kind == yamltree.Map && count(m, officialTopKeys) >= 2 && !looksCommunity(m)
}

// DetectFamily tells which chart a document was written for, and at which
// path its values start (non-empty for umbrella charts that nest the
// airflow chart under a key).
func DetectFamily(root *yamltree.Node) (rule.Family, yamltree.Path) {
	switch {
	case looksCommunity(root):
		return rule.AirflowHelm, nil
	case looksOfficial(root):
		return rule.ApacheAirflow, nil
	}
	if root != nil && root.Kind == yamltree.Map {
		for _, e := range root.Entries {
			if looksCommunity(e.Value) && e.Value.Get("airflow") != nil {
				return rule.AirflowHelm, yamltree.Path{{Key: e.Key}}
			}
		}
		for _, e := range root.Entries {
			if looksOfficial(e.Value) {
				return rule.ApacheAirflow, yamltree.Path{{Key: e.Key}}
			}
		}
	}
	return rule.UnknownChart, nil
}
