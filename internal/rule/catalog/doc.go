// Package catalog is airlock's knowledge of the airflow-helm/charts
// "airflow" chart (7.x/8.x) as data: every key that carries a secret, how
// to judge its value, why it matters and the chart's own secure
// alternative; the keys that only reference Secrets; and the chart's
// secret-relevant defaults, so the common case needs no chart on disk.
//
// Facts here (key names, default values) come from the chart's public
// values.yaml and docs; tests check them against the real chart.
package catalog
