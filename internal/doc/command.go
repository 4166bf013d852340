package doc

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// pathRE finds absolute file paths in a command line.
var pathRE = regexp.MustCompile(`(?:^|[\s"'=<(])(/[A-Za-z0-9._@+/-]+)`)

// commandFiles lists the absolute paths a *_CMD command mentions. Only
// the paths are kept: the document never quotes the command itself.
func commandFiles(cmd string) []string {
	var out []string
	for _, m := range pathRE.FindAllStringSubmatch(cmd, -1) {
		p := path.Clean(m[1])
		if !slices.Contains(out, p) && !strings.HasPrefix(p, "/bin/") && !strings.HasPrefix(p, "/usr/") && p != "/dev/null" {
			out = append(out, p)
		}
	}
	return out
}

// commandSource describes an Airflow *_CMD setting: the files it reads
// and the Secret key mounted at that path with airflow.extraVolumes and
// airflow.extraVolumeMounts, when there is one.
func (b *builder) commandSource(d settingDef) Source {
	src := Source{Kind: FromCommand}
	at := "set in " + d.path
	if d.value == nil {
		src.Text = "the command of " + d.name + " (" + at + ") is read from a Secret"
		return src
	}
	src.Files = commandFiles(d.value.Value)
	for _, f := range src.Files {
		if sk, ok := b.mountedSecretFile(f); ok {
			ref := b.secretRef(sk.secret, sk.key)
			src.Secret, src.Key, src.Provider = sk.secret, sk.key, ref.Provider
			src.Text = "read from file " + f + " by " + d.name + " (" + at + "); the file is " + ref.Text
			return src
		}
	}
	if len(src.Files) == 0 {
		src.Text = "produced by the command of " + d.name + " (" + at + ", " + where(d.value) + ")"
		return src
	}
	src.Text = "read from " + strings.Join(src.Files, ", ") + " by " + d.name + " (" + at + "); no Secret volume in airflow.extraVolumes is mounted there"
	return src
}

// mountedSecretFile finds the Secret key that airflow.extraVolumes and
// airflow.extraVolumeMounts put at file, as the kubelet would: a subPath
// mount is the one file, otherwise the volume's items (or every key,
// named after itself) below the mount path.
func (b *builder) mountedSecretFile(file string) (secretKey, bool) {
	mounts, vols := b.at("airflow.extraVolumeMounts"), b.at("airflow.extraVolumes")
	if mounts == nil || vols == nil {
		return secretKey{}, false
	}
	for _, m := range mounts.Items {
		vol := volumeNamed(vols, m.Get("name").Text())
		secret := vol.Lookup("secret", "secretName").Text()
		if secret == "" {
			continue
		}
		rel, ok := relativeTo(file, m.Get("mountPath").Text(), m.Get("subPath").Text())
		if !ok {
			continue
		}
		key := rel
		if items := vol.Lookup("secret", "items"); items != nil && len(items.Items) > 0 {
			key = ""
			for _, it := range items.Items {
				if path.Clean(it.Get("path").Text()) == rel {
					key = it.Get("key").Text()
				}
			}
		}
		if key != "" {
			return secretKey{secret, key}, true
		}
	}
	return secretKey{}, false
}

func volumeNamed(vols *yamltree.Node, name string) *yamltree.Node {
	for _, v := range vols.Items {
		if v.Get("name").Text() == name {
			return v
		}
	}
	return nil
}

// relativeTo returns file's path inside a volume mounted at mountPath
// (with subPath), or false when the mount does not provide it.
func relativeTo(file, mountPath, subPath string) (string, bool) {
	mountPath = path.Clean(mountPath)
	if subPath != "" {
		return path.Clean(subPath), file == mountPath
	}
	rel, ok := strings.CutPrefix(file, mountPath+"/")
	return rel, ok && rel != ""
}
