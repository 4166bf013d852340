package auditor

import (
	"sort"

	"github.com/airlockhq/airlock/internal/audit/inventory"
)

// split distributes a scope's objects to their namespaces.
func split(s *scope) map[string]*inventory.Raw {
	per := map[string]*inventory.Raw{}
	at := func(ns string) *inventory.Raw {
		r := per[ns]
		if r == nil {
			r = &inventory.Raw{}
			per[ns] = r
		}
		return r
	}
	for _, o := range s.secrets {
		at(o.Namespace).Secrets = append(at(o.Namespace).Secrets, o)
	}
	for _, o := range s.configMaps {
		at(o.Namespace).ConfigMaps = append(at(o.Namespace).ConfigMaps, o)
	}
	for _, o := range s.pods {
		at(o.Namespace).Pods = append(at(o.Namespace).Pods, o)
	}
	for _, o := range s.deployments {
		at(o.Namespace).Deployments = append(at(o.Namespace).Deployments, o)
	}
	for _, o := range s.statefulSets {
		at(o.Namespace).StatefulSets = append(at(o.Namespace).StatefulSets, o)
	}
	for _, o := range s.daemonSets {
		at(o.Namespace).DaemonSets = append(at(o.Namespace).DaemonSets, o)
	}
	for _, o := range s.jobs {
		at(o.Namespace).Jobs = append(at(o.Namespace).Jobs, o)
	}
	for _, o := range s.cronJobs {
		at(o.Namespace).CronJobs = append(at(o.Namespace).CronJobs, o)
	}
	for _, o := range s.releases {
		at(o.Namespace).Releases = append(at(o.Namespace).Releases, o)
	}
	for _, o := range s.eso {
		at(o.Namespace).ExternalSecrets = append(at(o.Namespace).ExternalSecrets, o)
	}
	return per
}

func sortedNames(per map[string]*inventory.Raw) []string {
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
