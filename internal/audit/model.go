package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/airlockhq/airlock/internal/finding"
)

// Check names one of the audits, for grouping output.
type Check string

// The audits.
const (
	ReleaseHistory Check = "helm-release-history"
	SecretAccess   Check = "secret-access"
	SecretsInUse   Check = "secrets-in-use"
	Literals       Check = "literal-secrets"
)

// Checks lists the audits in report order.
var Checks = []Check{ReleaseHistory, SecretAccess, SecretsInUse, Literals}

// Title is a heading for the check.
func (c Check) Title() string {
	switch c {
	case ReleaseHistory:
		return "Helm release history"
	case SecretAccess:
		return "Who can read Secrets"
	case SecretsInUse:
		return "Secrets in use"
	case Literals:
		return "Literal secrets in workloads and ConfigMaps"
	}
	return string(c)
}

// Origins of audit findings (finding.Finding.Origin).
const (
	OriginReleaseCurrent = "release-current"
	OriginReleaseHistory = "release-history"
	OriginCluster        = "cluster"
)

// Object is the Kubernetes object (or Helm release) a finding is about.
type Object struct {
	Kind      string // Secret, Deployment, ..., HelmRelease, or Namespace for subjects
	Namespace string // "" for cluster-scoped objects
	Name      string
}

// HelmRelease is the Object kind of release findings.
const HelmRelease = "HelmRelease"

func (o Object) String() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// URI names the object in SARIF logical locations and JSON:
// helm-release://NS/NAME, k8s://NS/KIND/NAME (k8s:///KIND/NAME when
// cluster-scoped).
func (o Object) URI() string {
	if o.Kind == HelmRelease {
		return "helm-release://" + o.Namespace + "/" + o.Name
	}
	return "k8s://" + o.Namespace + "/" + o.Kind + "/" + o.Name
}

// Finding is one audit finding. The embedded Finding carries the rule,
// class, severity, message, remediation and the redacted secret; its Loc
// is always zero, because nothing in a live cluster is a line of a user's
// file. Path is the Helm values path for release findings and the field
// path inside the object (data.password, spec.template.spec.containers[0].env[1].value)
// for the others.
type Finding struct {
	finding.Finding
	Check  Check
	Object Object
	// At most one of these says more, depending on the check.
	Release *ReleaseDetail
	Access  *AccessDetail
	Age     *AgeDetail
	Sync    *SyncDetail
}

// Revision is one revision of a Helm release.
type Revision struct {
	Revision int
	Deployed time.Time
	Status   string
}

// ReleaseDetail says where in a release's history a value appears.
type ReleaseDetail struct {
	Name, Namespace string
	Chart           string // "airflow-8.9.0"
	Storage         string // Secret or ConfigMap
	// Revisions that hold the value, oldest first.
	Revisions []Revision
	// Current is the deployed revision; InCurrent says whether it holds
	// the value.
	Current   int
	InCurrent bool
}

// Subject is an RBAC subject.
type Subject struct {
	Kind      string `json:"kind"` // User, Group, ServiceAccount
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"` // service accounts only
}

func (s Subject) String() string {
	if s.Kind == "ServiceAccount" {
		return "ServiceAccount " + s.Namespace + "/" + s.Name
	}
	return s.Kind + " " + s.Name
}

// Scope is how broad a read grant is.
type Scope string

// Scopes, broadest first.
const (
	ScopeCluster   Scope = "cluster"   // every Secret in every namespace
	ScopeNamespace Scope = "namespace" // every Secret in the namespace
	ScopeNamed     Scope = "named"     // only Secrets listed in resourceNames
)

// Grant is one binding that gives a subject read access.
type Grant struct {
	Binding string   `json:"binding"` // "ClusterRoleBinding x" or "RoleBinding ns/x"
	Role    string   `json:"role"`    // "ClusterRole y" or "Role ns/y"
	Verbs   []string `json:"verbs"`   // among get, list, watch
	// Names restricts the grant to these Secrets; empty means all.
	Names []string `json:"names,omitempty"`
	// Default marks Kubernetes' own bootstrap bindings.
	Default bool `json:"kubernetesDefault,omitempty"`
}

// AccessDetail describes who can read Secrets and how.
type AccessDetail struct {
	Subject Subject
	Scope   Scope
	Verbs   []string
	// Names are the readable Secrets when Scope is ScopeNamed.
	Names  []string
	Grants []Grant
	// Airflow marks a service account Airflow's pods run as.
	Airflow bool
	// Platform marks Kubernetes system identities and subjects listed as
	// expected in .airlock.yaml.
	Platform bool
	// ReleaseRecords are the Helm release records (Secrets) the subject
	// can read: they hold every value of the release.
	ReleaseRecords []string
}

// AgeDetail describes a Secret's data age against its rotation limit.
type AgeDetail struct {
	Kind string // rotation kind: fernetKey, databasePassword, ...
	Keys []string
	// Changed is when the data last changed, as far as the API shows;
	// Since says how that was read: "data-update" (the newest
	// managedFields entry owning data) or "creation".
	Changed time.Time
	Since   string
	Age     time.Duration
	Limit   time.Duration
	UsedBy  []string
	// SyncedBy names the ExternalSecret writing the Secret, if any.
	SyncedBy string
}

// SyncDetail is an ExternalSecret's sync state.
type SyncDetail struct {
	Target          string
	Ready           *bool
	Reason          string
	RefreshInterval string
	RefreshTime     time.Time
}

// Gap is something the audit could not check, and why. A gap is never
// silent: the reports list every one, and stderr summarises them.
type Gap struct {
	Check  Check
	What   string // "list secrets in namespace airflow"
	Reason string // forbidden, unauthorized, unreachable, failed, not installed
	Detail string
}

func (g Gap) String() string {
	s := g.What + ": " + g.Reason
	if g.Detail != "" {
		s += " (" + g.Detail + ")"
	}
	return s
}

// ReleaseSummary describes an audited Helm release.
type ReleaseSummary struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	Chart     string `json:"chart"`
	Storage   string `json:"storage"`
	Revisions int    `json:"revisions"`
	Current   int    `json:"currentRevision"`
	Status    string `json:"status"`
}

// Result is an audit's outcome.
type Result struct {
	Server, Context string
	ServerVersion   string
	Namespaces      []string
	Releases        []ReleaseSummary
	Findings        []Finding
	Gaps            []Gap
	Notes           []string
	// Reads counts the successful reads: zero means nothing was audited.
	Reads int
}

// Fingerprint derives a stable identifier from parts that never include
// the secret: rule, object and path, plus a discriminator when the same
// place can hold two different findings (the first revision of a value).
func Fingerprint(parts ...string) string {
	h := sha256.New()
	fmt.Fprint(h, strings.Join(parts, "\x00"))
	return hex.EncodeToString(h.Sum(nil))[:32]
}
