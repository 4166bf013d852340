package inuse

import (
	"fmt"
	"time"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/source/cluster"
)

// defaultRefresh is the External Secrets Operator's refreshInterval when
// an ExternalSecret sets none.
const defaultRefresh = time.Hour

func readiness(es *cluster.ExternalSecret) string {
	switch {
	case es.Ready == nil:
		return "no Ready condition yet"
	case *es.Ready:
		return "Ready"
	}
	s := "not Ready"
	if es.Reason != "" {
		s += ": " + es.Reason
	}
	if es.Message != "" {
		s += ": " + es.Message
	}
	return s
}

// externalSecrets reports ExternalSecrets that are not syncing, have not
// synced for several refresh intervals, or never refresh.
func externalSecrets(n *inventory.Namespace, now time.Time) []audit.Finding {
	var out []audit.Finding
	for i := range n.ExternalSecrets {
		es := &n.ExternalSecrets[i]
		obj := audit.Object{Kind: "ExternalSecret", Namespace: n.Name, Name: es.Name}
		interval, err := refreshInterval(es.RefreshInterval)
		detail := &audit.SyncDetail{Target: es.Target, Ready: es.Ready, Reason: es.Reason, RefreshInterval: es.RefreshInterval, RefreshTime: es.RefreshTime}
		if detail.RefreshInterval == "" {
			detail.RefreshInterval = defaultRefresh.String() + " (default)"
		}
		var f audit.Finding
		switch {
		case es.Ready == nil || !*es.Ready:
			f = newFinding(audit.RuleESNotReady, 0, obj, "", fmt.Sprintf("ExternalSecret %s/%s (Secret %s) is %s; %s", n.Name, es.Name, es.Target, readiness(es), lastSync(es, now)))
		case err != nil:
			f = newFinding(audit.RuleESNotReady, 0, obj, "spec.refreshInterval", fmt.Sprintf("ExternalSecret %s/%s has an unreadable refreshInterval %q: %v", n.Name, es.Name, es.RefreshInterval, err))
		case interval == 0:
			f = newFinding(audit.RuleESNoRefresh, 0, obj, "spec.refreshInterval", fmt.Sprintf("ExternalSecret %s/%s (Secret %s) has refreshInterval 0: it never picks up rotations at the provider (%s)", n.Name, es.Name, es.Target, lastSync(es, now)))
		case !es.RefreshTime.IsZero() && now.Sub(es.RefreshTime) > 3*interval+10*time.Minute:
			f = newFinding(audit.RuleESStale, 0, obj, "", fmt.Sprintf("ExternalSecret %s/%s (Secret %s) refreshes every %s but %s", n.Name, es.Name, es.Target, interval, lastSync(es, now)))
		default:
			continue
		}
		f.Sync = detail
		out = append(out, f)
	}
	return out
}

func lastSync(es *cluster.ExternalSecret, now time.Time) string {
	if es.RefreshTime.IsZero() {
		return "never synced"
	}
	return fmt.Sprintf("last synced %s ago (%s)", ago(now.Sub(es.RefreshTime)), es.RefreshTime.UTC().Format(time.RFC3339))
}

func refreshInterval(s string) (time.Duration, error) {
	if s == "" {
		return defaultRefresh, nil
	}
	if s == "0" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

// ago rounds a duration for people: days beyond two, else minutes.
func ago(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return d.Round(time.Minute).String()
}
