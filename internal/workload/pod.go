package workload

import (
	"github.com/airlockhq/airlock/internal/yamltree"
)

// readPod fills w from a pod spec.
func readPod(w *Workload, spec *yamltree.Node, p yamltree.Path) {
	w.PodSpec, w.PodPath = spec, p
	w.ServiceAccount = spec.Get("serviceAccountName").Text()
	if w.ServiceAccount == "" {
		w.ServiceAccount = spec.Get("serviceAccount").Text()
	}
	if w.ServiceAccount == "" {
		w.ServiceAccount = "default"
	}
	if b, ok := yamltree.ParseBool11(spec.Get("automountServiceAccountToken").Text()); ok {
		w.AutomountToken = &b
	}
	for _, field := range []string{"initContainers", "containers"} {
		list := spec.Get(field)
		if list == nil || list.Kind != yamltree.Seq {
			continue
		}
		for i, cn := range list.Items {
			if cn.Kind != yamltree.Map {
				continue
			}
			c := readContainer(cn, p.Key(field).Index(i))
			c.Workload, c.Init = w, field == "initContainers"
			w.Containers = append(w.Containers, c)
		}
	}
	if vols := spec.Get("volumes"); vols != nil && vols.Kind == yamltree.Seq {
		for i, vn := range vols.Items {
			if vn.Kind == yamltree.Map {
				w.Volumes = append(w.Volumes, readVolume(vn, p.Key("volumes").Index(i)))
			}
		}
	}
}

func readContainer(n *yamltree.Node, p yamltree.Path) *Container {
	c := &Container{Name: n.Get("name").Text(), Image: n.Get("image").Text(), Node: n, Path: p}
	if env := n.Get("env"); env != nil && env.Kind == yamltree.Seq {
		for i, e := range env.Items {
			if e.Kind == yamltree.Map {
				c.Env = append(c.Env, readEnv(e, p.Key("env").Index(i)))
			}
		}
	}
	if ef := n.Get("envFrom"); ef != nil && ef.Kind == yamltree.Seq {
		for i, e := range ef.Items {
			if e.Kind != yamltree.Map {
				continue
			}
			ep := p.Key("envFrom").Index(i)
			for _, src := range []struct {
				field string
				kind  RefKind
			}{{"secretRef", SecretRef}, {"configMapRef", ConfigMapRef}} {
				if r := e.Get(src.field); r != nil && r.Kind == yamltree.Map {
					c.EnvFrom = append(c.EnvFrom, EnvFrom{Kind: src.kind, Name: r.Get("name").Text(),
						Prefix: e.Get("prefix").Text(), Optional: optional(r), Node: e, Path: ep})
				}
			}
		}
	}
	if vm := n.Get("volumeMounts"); vm != nil && vm.Kind == yamltree.Seq {
		for i, m := range vm.Items {
			if m.Kind != yamltree.Map {
				continue
			}
			ro, _ := yamltree.ParseBool11(m.Get("readOnly").Text())
			c.Mounts = append(c.Mounts, Mount{Volume: m.Get("name").Text(), MountPath: m.Get("mountPath").Text(),
				SubPath: m.Get("subPath").Text(), ReadOnly: ro, Node: m, Path: p.Key("volumeMounts").Index(i)})
		}
	}
	return c
}

func readEnv(n *yamltree.Node, p yamltree.Path) EnvVar {
	e := EnvVar{Name: n.Get("name").Text(), Node: n, Path: p}
	vf := n.Get("valueFrom")
	if vf == nil || vf.Kind != yamltree.Map {
		if v := n.Get("value"); v != nil {
			e.Value = v
		}
		return e
	}
	vp := p.Key("valueFrom")
	switch {
	case vf.Get("secretKeyRef") != nil:
		e.From = keyRef(SecretRef, vf.Get("secretKeyRef"), vp.Key("secretKeyRef"))
	case vf.Get("configMapKeyRef") != nil:
		e.From = keyRef(ConfigMapRef, vf.Get("configMapKeyRef"), vp.Key("configMapKeyRef"))
	case vf.Get("fieldRef") != nil:
		e.Field = vf.Lookup("fieldRef", "fieldPath").Text()
	case vf.Get("resourceFieldRef") != nil:
		e.Field = vf.Lookup("resourceFieldRef", "resource").Text()
	}
	return e
}

func keyRef(kind RefKind, n *yamltree.Node, p yamltree.Path) *KeyRef {
	return &KeyRef{Kind: kind, Name: n.Get("name").Text(), Key: n.Get("key").Text(), Optional: optional(n), Node: n, Path: p}
}

func optional(n *yamltree.Node) bool {
	b, _ := yamltree.ParseBool11(n.Get("optional").Text())
	return b
}

func readVolume(n *yamltree.Node, p yamltree.Path) *Volume {
	v := &Volume{Name: n.Get("name").Text(), Node: n, Path: p}
	for _, e := range n.Entries {
		if e.Key != "name" {
			v.Type = e.Key
			break
		}
	}
	switch v.Type {
	case "secret":
		if s := n.Get("secret"); s != nil && s.Kind == yamltree.Map {
			v.Sources = append(v.Sources, volumeSource(SecretRef, s, s.Get("secretName").Text(), p.Key("secret")))
		}
	case "configMap":
		if s := n.Get("configMap"); s != nil && s.Kind == yamltree.Map {
			v.Sources = append(v.Sources, volumeSource(ConfigMapRef, s, s.Get("name").Text(), p.Key("configMap")))
		}
	case "projected":
		srcs := n.Lookup("projected", "sources")
		if srcs == nil || srcs.Kind != yamltree.Seq {
			break
		}
		for i, sn := range srcs.Items {
			sp := p.Key("projected").Key("sources").Index(i)
			if s := sn.Get("secret"); s != nil && s.Kind == yamltree.Map {
				v.Sources = append(v.Sources, volumeSource(SecretRef, s, s.Get("name").Text(), sp.Key("secret")))
			}
			if s := sn.Get("configMap"); s != nil && s.Kind == yamltree.Map {
				v.Sources = append(v.Sources, volumeSource(ConfigMapRef, s, s.Get("name").Text(), sp.Key("configMap")))
			}
		}
	}
	return v
}

func volumeSource(kind RefKind, n *yamltree.Node, name string, p yamltree.Path) VolumeSource {
	vs := VolumeSource{Kind: kind, Name: name, Optional: optional(n), Node: n, Path: p}
	if items := n.Get("items"); items != nil && items.Kind == yamltree.Seq {
		for _, it := range items.Items {
			if it.Kind == yamltree.Map {
				vs.Items = append(vs.Items, Item{Key: it.Get("key").Text(), Path: it.Get("path").Text(), Node: it})
			}
		}
	}
	return vs
}
