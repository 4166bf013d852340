package workload

import (
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// RefKind is the kind of object a reference names.
type RefKind uint8

// Reference kinds.
const (
	SecretRef RefKind = iota + 1
	ConfigMapRef
)

func (k RefKind) String() string {
	switch k {
	case SecretRef:
		return "Secret"
	case ConfigMapRef:
		return "ConfigMap"
	}
	return "unknown"
}

// Set is everything read from a group of manifests.
type Set struct {
	Workloads  []*Workload
	Secrets    []*Object
	ConfigMaps []*Object
}

// Object is a Secret or a ConfigMap.
type Object struct {
	Kind      string // "Secret" or "ConfigMap"
	Name      string
	Namespace string // "" when the manifest leaves it to the apply-time namespace
	Type      string // a Secret's type, e.g. Opaque or kubernetes.io/dockerconfigjson
	Doc       *yamltree.Document
	// Node is the object's map: Doc.Root, or an item of a List.
	Node *yamltree.Node
	// Keys in document order: data, then stringData (or binaryData for a
	// ConfigMap). A stringData key replaces the data key of the same name,
	// as the API server does.
	Keys []Key
}

// Key is one entry of a Secret or ConfigMap.
type Key struct {
	Name string
	// Value is the plaintext: base64-decoded for a Secret's data and a
	// ConfigMap's binaryData. It is a redact.Value so that printing a Key
	// by mistake cannot leak it.
	Value redact.Value
	// Encoded reports data that was base64 in the manifest.
	Encoded bool
	// Invalid reports data that is not valid base64 (the API server would
	// reject the object); Value then holds the raw text.
	Invalid bool
	Node    *yamltree.Node // the value scalar in the manifest
	Path    yamltree.Path  // e.g. data.password, stringData["client.key"]
}

// Key returns the entry named name.
func (o *Object) Key(name string) (Key, bool) {
	for i := len(o.Keys) - 1; i >= 0; i-- {
		if o.Keys[i].Name == name {
			return o.Keys[i], true
		}
	}
	return Key{}, false
}

// Source names where the object was read: a values file, a manifest file
// or, for rendered output, the chart template.
func (o *Object) Source() string { return o.Doc.Src.Name }

// Workload is one object that runs pods.
type Workload struct {
	Kind      string // Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, PodTemplate
	Name      string
	Namespace string
	Doc       *yamltree.Document
	// Embedded is set for a pod spec found inside a ConfigMap value (the
	// KubernetesExecutor pod_template.yaml); Doc is then the embedded
	// document and Embedded says where it was stored.
	Embedded *EmbeddedIn
	// PodSpec is the pod spec node and PodPath its path in Doc.
	PodSpec *yamltree.Node
	PodPath yamltree.Path
	// ServiceAccount is spec.serviceAccountName (or the deprecated
	// serviceAccount); "default" when neither is set, as Kubernetes does.
	ServiceAccount string
	// AutomountToken is spec.automountServiceAccountToken; nil when unset
	// (Kubernetes then mounts the token).
	AutomountToken *bool
	Containers     []*Container
	Volumes        []*Volume
}

// EmbeddedIn locates a pod template stored as text in a ConfigMap.
type EmbeddedIn struct {
	ConfigMap *Object
	Key       string
}

// Source names where the workload was read (see Object.Source); for an
// embedded pod template, the ConfigMap's source.
func (w *Workload) Source() string {
	if w.Embedded != nil {
		return w.Embedded.ConfigMap.Source()
	}
	return w.Doc.Src.Name
}

// Volume returns the pod volume named name.
func (w *Workload) Volume(name string) *Volume {
	for _, v := range w.Volumes {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Container is a container or an init container.
type Container struct {
	Workload *Workload
	Name     string
	Init     bool
	Image    string
	Env      []EnvVar
	EnvFrom  []EnvFrom
	Mounts   []Mount
	Node     *yamltree.Node
	Path     yamltree.Path
}

// EnvVar is one entry of a container's env.
type EnvVar struct {
	Name string
	// Value is the literal value node; nil when the variable uses valueFrom.
	Value *yamltree.Node
	// From is set for valueFrom.secretKeyRef and valueFrom.configMapKeyRef.
	From *KeyRef
	// Field is valueFrom.fieldRef.fieldPath or resourceFieldRef.resource.
	Field string
	Node  *yamltree.Node
	Path  yamltree.Path
}

// KeyRef names one key of a Secret or ConfigMap.
type KeyRef struct {
	Kind     RefKind
	Name     string
	Key      string
	Optional bool
	Node     *yamltree.Node // the secretKeyRef/configMapKeyRef map
	Path     yamltree.Path
}

// EnvFrom is one envFrom entry: every key of the object becomes a variable.
type EnvFrom struct {
	Kind     RefKind
	Name     string
	Prefix   string
	Optional bool
	Node     *yamltree.Node
	Path     yamltree.Path
}

// Volume is a pod volume. Secret, configMap and projected volumes have
// Sources; other types (emptyDir, persistentVolumeClaim, ...) only a Type.
type Volume struct {
	Name    string
	Type    string // the volume source field: secret, configMap, projected, emptyDir, ...
	Sources []VolumeSource
	Node    *yamltree.Node
	Path    yamltree.Path
}

// VolumeSource is a Secret or ConfigMap projected into a volume.
type VolumeSource struct {
	Kind RefKind
	Name string
	// Items restrict and rename the keys; empty means every key, each as a
	// file named after the key.
	Items    []Item
	Optional bool
	Node     *yamltree.Node
	Path     yamltree.Path
}

// Item maps a key to a file path relative to the mount.
type Item struct {
	Key  string
	Path string
	Node *yamltree.Node
}

// Mount is a container's volumeMount.
type Mount struct {
	Volume    string
	MountPath string
	SubPath   string
	ReadOnly  bool
	Node      *yamltree.Node
	Path      yamltree.Path
}
