// Package agent is the vault-agent integration of airlock externalize:
// the Vault Agent Injector annotations for each Airflow component of the
// airflow-helm chart, the agent templates that render one file per secret
// under /vault/secrets, and which component needs which file.
//
// Airflow then reads files, never environment variables: its sensitive
// options through AIRFLOW__..._CMD commands (`cat /vault/secrets/...`),
// the database and Redis passwords through the chart's DATABASE_/
// REDIS_PASSWORD_CMD hooks, and connections and variables through
// Airflow's LocalFilesystemBackend reading JSON files the agent renders.
//
// Which component needs which file is read from the chart rendered with
// the rewritten values (Needs): a component needs a file when one of its
// pods' containers has an environment value that names it. Without a
// chart every component is assumed to need every file, because the chart
// passes airflow.config and airflow.extraEnv to every Airflow pod.
// Connections and variables are the exception: only the components that
// run DAG code resolve them (Component.ResolvesConnections); the others
// get the same file names rendered as `{}` without reading Vault, so their
// roles cannot read a connection.
package agent
