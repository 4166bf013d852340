package agent

// Component is an Airflow component of the airflow-helm chart that the
// injector can annotate: it has its own podAnnotations value.
type Component struct {
	// Name is the identity: the Vault role is <prefix>-<Name>.
	Name string
	// Annotations is the values path of the component's pod annotations.
	Annotations string
	// Labels are the chart's `component` label values of its workloads.
	Labels []string
	// Job marks components whose pods run to completion by default (the
	// agent must not stay as a sidecar, or they never finish).
	Job bool
	// ResolvesConnections marks components that run DAG code and so look
	// up Airflow connections and variables.
	ResolvesConnections bool
	What                string
}

// Components of the airflow-helm 8.x chart. pgbouncer is not one: it does
// not run Airflow.
var Components = []Component{
	{Name: "scheduler", Annotations: "scheduler.podAnnotations", Labels: []string{"scheduler"}, ResolvesConnections: true, What: "the Airflow scheduler"},
	{Name: "web", Annotations: "web.podAnnotations", Labels: []string{"web"}, What: "the Airflow webserver"},
	{Name: "workers", Annotations: "workers.podAnnotations", Labels: []string{"worker"}, ResolvesConnections: true, What: "the Airflow Celery workers"},
	{Name: "triggerer", Annotations: "triggerer.podAnnotations", Labels: []string{"triggerer"}, ResolvesConnections: true, What: "the Airflow triggerer"},
	{Name: "flower", Annotations: "flower.podAnnotations", Labels: []string{"flower"}, What: "Flower"},
	{Name: "db-migrations", Annotations: "airflow.dbMigrations.podAnnotations", Labels: []string{"db-migrations"}, What: "the database migrations"},
	{Name: "sync", Annotations: "airflow.sync.podAnnotations", Labels: []string{"sync-users", "sync-connections", "sync-variables", "sync-pools"}, What: "the users/connections/variables/pools sync"},
	{Name: "kubernetes-pod", Annotations: "airflow.kubernetesPodTemplate.podAnnotations", Job: true, ResolvesConnections: true, What: "KubernetesExecutor task pods"},
}

// ComponentNamed returns the component called name.
func ComponentNamed(name string) (Component, bool) {
	for _, c := range Components {
		if c.Name == name {
			return c, true
		}
	}
	return Component{}, false
}

// componentOfLabel maps a rendered `component` label to a component.
func componentOfLabel(label string) (Component, bool) {
	for _, c := range Components {
		for _, l := range c.Labels {
			if l == label {
				return c, true
			}
		}
	}
	return Component{}, false
}
