package doc

import (
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/doc/diagram"
)

// Status is the state of one secret, worst first.
type Status string

// Statuses, from worst to best. A secret with several problems shows the
// worst; Secret.Problems lists them all.
const (
	InsecureDefault Status = "insecure default"
	Hardcoded       Status = "hardcoded"
	Dangling        Status = "dangling reference"
	NotSet          Status = "not set"
	OK              Status = "ok"
)

// Statuses lists every status in rank order (worst first).
var Statuses = []Status{InsecureDefault, Hardcoded, Dangling, NotSet, OK}

func (s Status) rank() int {
	for i, x := range Statuses {
		if x == s {
			return i
		}
	}
	return len(Statuses)
}

// Document is the model both renderers read. It holds names, paths, file
// positions and Secret references, never a secret value.
type Document struct {
	Title string
	Owner string
	Date  string // "" unless --date is given
	// Intro is the team's own paragraph from .airlock.yaml (doc.intro).
	Intro  string
	Inputs Inputs
	// Secrets are sorted by ID.
	Secrets []*Secret
	Graph   *diagram.Graph
	// Mermaid and SVG are the two renderings of Graph.
	Mermaid  string
	SVG      string
	Rotation []RotationRule
	Access   Access
	Findings []Finding
	Notes    []string
}

// Inputs describe what the document was generated from.
type Inputs struct {
	ValuesFiles []string
	// Chart is "airflow 8.9.0" for --chart, else the built-in catalog's name.
	Chart string
	// Rendered reports that the chart was rendered: consumers are read
	// from the pods it deploys, container by container.
	Rendered    bool
	Release     string
	Namespace   string
	SecretsFrom []string
	Executor    string
	// Command is the airlock command line that regenerates the document.
	Command string
}

// Secret is one secret the deployment uses.
type Secret struct {
	// ID is stable across runs and anchors the secret's section.
	ID   string
	Name string
	Kind policy.Kind
	// Why says what an attacker gains with it.
	Why string
	// Configured are the values that decide where the secret comes from.
	Configured []Place
	Sources    []Source
	Consumers  []Consumer
	// ConsumersNote replaces Consumers when they cannot be listed (values
	// only, no --chart).
	ConsumersNote string
	Status        Status
	Problems      []string
	// Notes are facts a reviewer should know that do not change the
	// status (a setting that is ignored, a consumer that cannot be traced).
	Notes       []string
	Remediation string

	bind binding
}

// Place is a values path and where its effective value is written.
type Place struct {
	Path  string
	Where string // "values.yaml:12", "chart default", "chart default (values.yaml:31)"
}

// SourceKind says where a secret's value comes from.
type SourceKind string

// Source kinds.
const (
	FromValues    SourceKind = "values"         // a literal in a values file
	FromDefault   SourceKind = "chart default"  // a public chart default
	FromSecret    SourceKind = "secret"         // a Kubernetes Secret key
	FromCommand   SourceKind = "command"        // an Airflow *_CMD setting reading a file
	FromBackend   SourceKind = "secret backend" // an Airflow *_SECRET setting
	FromNowhere   SourceKind = "none"           // not set
	FromLiteral   SourceKind = "pod spec"       // a literal env value in the pod spec
	FromTemplate  SourceKind = "template"       // a ${VAR} with no *Templates entry
	FromConfigMap SourceKind = "configmap"      // a *Templates entry of kind configmap
)

// Source is one place a secret's value comes from.
type Source struct {
	Kind SourceKind
	// Text is the whole description shown to readers.
	Text string
	// Where is the values file position and Path the values path, for
	// FromValues and FromDefault.
	Where, Path string
	// Secret and Key name the Kubernetes Secret key (FromSecret,
	// FromCommand).
	Secret, Key string
	// Provider says what creates the Secret.
	Provider Provider
	// Files are the paths a *_CMD command reads (FromCommand).
	Files []string
	// whole marks a reference to a Secret as a whole (the chart reads
	// every key, or a conventional one): only the Secret must exist.
	whole bool
}

// ProviderKind says what creates a Kubernetes Secret.
type ProviderKind string

// Provider kinds.
const (
	ByChart          ProviderKind = "chart"          // a chart template, from values
	BySubchart       ProviderKind = "subchart"       // postgresql or redis dependency
	ByExtraManifests ProviderKind = "extraManifests" // a Secret written in values
	ByExternalSecret ProviderKind = "ExternalSecret" // the External Secrets Operator
	BySecretsFrom    ProviderKind = "secrets-from"   // a manifest given with --secrets-from
	ByNobody         ProviderKind = "missing"        // nothing airlock can see
)

// Provider is what creates a Secret.
type Provider struct {
	Kind ProviderKind
	Text string
	// Store is the secret manager, for ExternalSecrets: "ClusterSecretStore vault".
	Store string
	// Origin is the values file (or chart default) the data comes from,
	// for Secrets the chart or extraManifests render from values.
	Origin string
	Risk   bool
}

// Consumer is one way one workload reads a secret.
type Consumer struct {
	Component  string // "scheduler", from the workload's component label
	Workload   string // "Deployment airflow-scheduler"
	Containers []string
	// How is "env DATABASE_PASSWORD", "file /mnt/templates/X", ...
	How  string
	Mode diagram.Mode
	// Via is the Secret that carries the value, "" for a pod spec literal.
	Via string
}

// RotationRule is the rotation expectation for one kind of secret.
type RotationRule struct {
	Kind      policy.Kind
	Label     string
	Limit     string // "90 days", "not required"
	Secrets   []string
	Procedure string
}

// Access is the access-control part of the policies.
type Access struct {
	RBACCreate  Setting
	RBACSecrets Setting
	// Accounts are the service accounts pods run as.
	Accounts []Account
	// Grants are Roles that let their subjects read Secrets.
	Grants []Grant
	Notes  []string
}

// Setting is one values switch with where it is set.
type Setting struct {
	Path, Value, Where string
}

// Account is one service account and what its pods mount.
type Account struct {
	Name       string
	Workloads  []string
	Secrets    []string // Secrets its pods read (env or file)
	ReadsAll   bool     // RBAC lets it read every Secret of the namespace
	Automount  string   // "yes", "no", "default (yes)"
	Expected   bool     // listed in audit.expectedSecretReaders
	Components []string
}

// Grant is one Role that lets subjects read Secrets.
type Grant struct {
	Role     string
	Verbs    []string
	Scope    string
	Subjects []string
}

// Finding is an open finding, without its secret.
type Finding struct {
	Severity    string
	Class       string
	RuleID      string
	Title       string
	Path        string
	Where       string
	Message     string
	Remediation string
	HelpURI     string
	SecretID    string // the inventory entry it belongs to, if any
}
