package doc

import (
	"strings"

	"github.com/airlockhq/airlock/internal/doc/diagram"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// valuesNote says what the document cannot know without the chart.
const valuesNote = "Consumers are listed per component from airlock's knowledge of the chart; pass --chart DIR to render it and list every container, how it reads each secret, and which references dangle."

// airflowPods are the chart's Airflow components that the values enable:
// they all read the chart's config-envs Secret and the database (and
// Redis) passwords. Defaults follow the chart's values.yaml.
func (b *builder) airflowPods() []string {
	pods := []string{"scheduler", "web"}
	if b.celery && b.enabled("workers.enabled", true) {
		pods = append(pods, "worker")
	}
	if b.enabled("triggerer.enabled", true) {
		pods = append(pods, "triggerer")
	}
	if b.celery && b.enabled("flower.enabled", true) {
		pods = append(pods, "flower")
	}
	if b.enabled("airflow.dbMigrations.enabled", true) {
		pods = append(pods, "db-migrations")
	}
	for _, f := range []string{"users", "connections", "variables", "pools"} {
		if n := b.at("airflow." + f); n != nil && n.Kind == yamltree.Seq && len(n.Items) > 0 {
			pods = append(pods, "sync-"+f)
		}
	}
	return pods
}

// consumeFromValues fills consumers per component from the chart's
// structure: a secret read from an environment variable reaches every
// Airflow pod (the chart gives them all the same env and envFrom), the
// sync jobs read their own, and the other references their readers.
func (b *builder) consumeFromValues() {
	b.notes = append(b.notes, valuesNote)
	pods := b.airflowPods()
	for _, s := range b.secrets {
		if s.ConsumersNote != "" {
			continue
		}
		via := ""
		for _, src := range s.Sources {
			if src.Secret != "" {
				via = src.Secret
			}
		}
		switch {
		case len(s.bind.fallback) > 0:
			for _, c := range s.bind.fallback {
				if c.Via == "" {
					c.Via = via
				}
				if c.Component == "every Airflow pod" {
					s.Consumers = append(s.Consumers, podConsumers(pods, c.How, c.Mode, c.Via)...)
					continue
				}
				s.Consumers = append(s.Consumers, c)
			}
		case len(s.bind.envs) > 0:
			targets := pods
			if s.ID == "metadata-database-password" && b.enabled("pgbouncer.enabled", true) {
				targets = append(append([]string(nil), pods...), "pgbouncer")
			}
			how, mode := "env "+s.bind.envs[0], diagram.Env
			if src := s.Sources[0]; src.Kind == FromCommand && len(src.Files) > 0 {
				how, mode = "file "+strings.Join(src.Files, ", ")+" via "+s.bind.envs[1], diagram.File
			}
			s.Consumers = podConsumers(targets, how, mode, via)
		default:
			s.ConsumersNote = "not known without --chart"
		}
		sortConsumers(s.Consumers)
	}
}

func podConsumers(pods []string, how string, mode diagram.Mode, via string) []Consumer {
	out := make([]Consumer, 0, len(pods))
	for _, p := range pods {
		out = append(out, Consumer{Component: p, How: how, Mode: mode, Via: via})
	}
	return out
}
