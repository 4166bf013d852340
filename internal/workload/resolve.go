package workload

import (
	"path"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Lookup finds a Secret or ConfigMap by namespace and name. An empty
// namespace on either side matches any: rendered charts and plain
// manifests usually leave the namespace to `kubectl apply -n`. An exact
// namespace match is preferred, and among equals the last object read.
func (s *Set) Lookup(kind RefKind, namespace, name string) *Object {
	list := s.Secrets
	if kind == ConfigMapRef {
		list = s.ConfigMaps
	}
	var loose *Object
	for i := len(list) - 1; i >= 0; i-- {
		o := list[i]
		if o.Name != name {
			continue
		}
		if o.Namespace == namespace {
			return o
		}
		if loose == nil && (o.Namespace == "" || namespace == "") {
			loose = o
		}
	}
	return loose
}

// Origin says where an environment variable's value comes from.
type Origin uint8

// Origins.
const (
	Literal    Origin = iota + 1 // value: in the manifest
	FromObject                   // a Secret or ConfigMap key (valueFrom or envFrom)
	FromField                    // fieldRef or resourceFieldRef
)

// Resolved is the effective definition of one environment variable.
type Resolved struct {
	Name   string
	Origin Origin
	// Value is the literal node (Origin Literal).
	Value *yamltree.Node
	// Kind, Object and Key name the source (Origin FromObject).
	Kind   RefKind
	Object string
	Key    string
	// Found is the object and Data the key when they exist in the set.
	Found *Object
	Data  *Key
	// Field is the fieldRef path or resource (Origin FromField).
	Field string
	// EnvVar or EnvFrom is the container entry that defines the variable.
	EnvVar  *EnvVar
	EnvFrom *EnvFrom
}

// Reason says why a reference does not resolve.
type Reason uint8

// Reasons.
const (
	MissingObject Reason = iota + 1 // no Secret/ConfigMap of that name
	MissingKey                      // the object exists without that key
)

// Dangling is a reference to a Secret or ConfigMap (or a key of one) that
// is not in the set. Unless Optional, the pod will not start: the kubelet
// fails with CreateContainerConfigError or cannot mount the volume.
type Dangling struct {
	Workload  *Workload
	Container *Container // nil for a volume
	Volume    *Volume    // set for a volume source
	Kind      RefKind
	Name      string
	Key       string // "" when the whole object is referenced
	Optional  bool
	Reason    Reason
	// Use describes the reference: "env DATABASE_PASSWORD", "envFrom",
	// "volume dags-ssh".
	Use  string
	Node *yamltree.Node
	Path yamltree.Path
}

// ResolveEnv returns the variables a container is started with, by name,
// with Kubernetes precedence: envFrom sources in order (a later source
// wins), then env entries (which win over envFrom; a later duplicate wins).
// Variables whose source does not resolve are still returned (with Found
// nil) and also listed as Dangling.
func (s *Set) ResolveEnv(c *Container) (map[string]Resolved, []Dangling) {
	out := map[string]Resolved{}
	var dangling []Dangling
	ns := c.Workload.Namespace
	for i := range c.EnvFrom {
		ef := &c.EnvFrom[i]
		obj := s.Lookup(ef.Kind, ns, ef.Name)
		if obj == nil {
			dangling = append(dangling, Dangling{Workload: c.Workload, Container: c, Kind: ef.Kind, Name: ef.Name,
				Optional: ef.Optional, Reason: MissingObject, Use: "envFrom", Node: ef.Node, Path: ef.Path})
			continue
		}
		for j := range obj.Keys {
			k := &obj.Keys[j]
			name := ef.Prefix + k.Name
			out[name] = Resolved{Name: name, Origin: FromObject, Kind: ef.Kind, Object: ef.Name, Key: k.Name,
				Found: obj, Data: k, EnvFrom: ef}
		}
	}
	for i := range c.Env {
		e := &c.Env[i]
		r := Resolved{Name: e.Name, EnvVar: e}
		switch {
		case e.From != nil:
			r.Origin, r.Kind, r.Object, r.Key = FromObject, e.From.Kind, e.From.Name, e.From.Key
			if d, ok := s.resolveKey(c, e.From, &r); !ok {
				d.Use = "env " + e.Name
				dangling = append(dangling, d)
			}
		case e.Field != "":
			r.Origin, r.Field = FromField, e.Field
		default:
			r.Origin, r.Value = Literal, e.Value
		}
		out[e.Name] = r
	}
	return out, dangling
}

// resolveKey fills r.Found and r.Data, or describes why it cannot.
func (s *Set) resolveKey(c *Container, ref *KeyRef, r *Resolved) (Dangling, bool) {
	d := Dangling{Workload: c.Workload, Container: c, Kind: ref.Kind, Name: ref.Name, Key: ref.Key,
		Optional: ref.Optional, Node: ref.Node, Path: ref.Path}
	obj := s.Lookup(ref.Kind, c.Workload.Namespace, ref.Name)
	if obj == nil {
		d.Reason = MissingObject
		return d, false
	}
	r.Found = obj
	k, ok := obj.Key(ref.Key)
	if !ok {
		d.Reason = MissingKey
		return d, false
	}
	r.Data = &k
	return Dangling{}, true
}

// File is one file a Secret or ConfigMap key puts into a container.
type File struct {
	Path   string // absolute path in the container
	Kind   RefKind
	Object string
	Key    string
	Found  *Object
	Data   *Key
	Mount  *Mount
	Volume *Volume
}

// ResolveFiles returns the files that the container's mounted secret,
// configMap and projected volumes provide, and the references of those
// volumes that do not resolve. A source without items provides every key
// of the object as a file named after the key; subPath mounts provide
// only the selected file.
func (s *Set) ResolveFiles(c *Container) ([]File, []Dangling) {
	var files []File
	var dangling []Dangling
	for i := range c.Mounts {
		m := &c.Mounts[i]
		v := c.Workload.Volume(m.Volume)
		if v == nil {
			continue
		}
		for _, src := range v.Sources {
			fs, ds := s.sourceFiles(c.Workload, v, src)
			dangling = append(dangling, ds...)
			for _, f := range fs {
				if p, ok := mountedAt(m, f.Path); ok {
					f.Path, f.Mount = p, m
					files = append(files, f)
				}
			}
		}
	}
	return files, dangling
}

// mountedAt places a file (relative to its volume) under a mount, or
// reports that a subPath mount leaves it out.
func mountedAt(m *Mount, rel string) (string, bool) {
	if m.SubPath == "" {
		return path.Join(m.MountPath, rel), true
	}
	sub := strings.Trim(path.Clean(m.SubPath), "/")
	switch {
	case rel == sub:
		return m.MountPath, true
	case strings.HasPrefix(rel, sub+"/"):
		return path.Join(m.MountPath, strings.TrimPrefix(rel, sub+"/")), true
	}
	return "", false
}

// sourceFiles lists a volume source's files relative to the volume root.
func (s *Set) sourceFiles(w *Workload, v *Volume, src VolumeSource) ([]File, []Dangling) {
	base := Dangling{Workload: w, Volume: v, Kind: src.Kind, Name: src.Name, Optional: src.Optional,
		Use: "volume " + v.Name, Node: src.Node, Path: src.Path}
	obj := s.Lookup(src.Kind, w.Namespace, src.Name)
	if obj == nil {
		base.Reason = MissingObject
		return nil, []Dangling{base}
	}
	var files []File
	var dangling []Dangling
	if len(src.Items) == 0 {
		for i := range obj.Keys {
			k := &obj.Keys[i]
			files = append(files, File{Path: k.Name, Kind: src.Kind, Object: src.Name, Key: k.Name, Found: obj, Data: k, Volume: v})
		}
		return files, nil
	}
	for _, it := range src.Items {
		k, ok := obj.Key(it.Key)
		f := File{Path: it.Path, Kind: src.Kind, Object: src.Name, Key: it.Key, Found: obj, Volume: v}
		if !ok {
			d := base
			d.Key, d.Reason, d.Node = it.Key, MissingKey, it.Node
			dangling = append(dangling, d)
		} else {
			f.Data = &k
		}
		files = append(files, f)
	}
	return files, dangling
}

// Dangling lists every unresolved reference of a workload: the env and
// envFrom of every container and every secret, configMap and projected
// volume, mounted or not (the kubelet sets up every volume of a pod).
func (s *Set) Dangling(w *Workload) []Dangling {
	var out []Dangling
	for _, c := range w.Containers {
		_, ds := s.ResolveEnv(c)
		out = append(out, ds...)
	}
	for _, v := range w.Volumes {
		for _, src := range v.Sources {
			_, ds := s.sourceFiles(w, v, src)
			out = append(out, ds...)
		}
	}
	return out
}
