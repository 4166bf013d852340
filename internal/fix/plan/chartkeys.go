package plan

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/edit"
)

// chartKeyEnv fixes airflow.fernetKey and airflow.webserverSecretKey the
// way the chart docs say: the key goes empty and the variable comes from
// a Secret through airflow.extraEnv (which wins over the chart's
// config Secret). A public default gets a freshly generated value.
func chartKeyEnv(env, component string, gen generator) handler {
	return func(ch *change) string {
		key := ch.g.path.Last()
		for _, f := range ch.located() {
			ch.op(f.Loc.File, edit.SetScalar{Path: ch.g.path, Value: ""})
		}
		if ch.b.envSet(env) {
			for _, f := range ch.g.findings {
				ch.move(f, "", "", false, fmt.Sprintf("unused: airflow.extraEnv already sets %s; the literal was removed", env))
			}
			return ""
		}
		value, generated := "", ch.insecure()
		if generated {
			v, err := ch.generate(component, "value", gen)
			if err != nil {
				return err.Error()
			}
			value = v
		} else {
			n := ch.eff(ch.g.key)
			if n == nil || !n.IsString() {
				return "the value is not a string; quote it in the values file first"
			}
			value = n.Value
		}
		if len(ch.located()) == 0 {
			ch.mergeAt(ch.b.fileForMap("airflow"), "airflow", edit.Map(key, ""))
		}
		secret, k := ch.put(component, "value", value, generated)
		ch.appendList(ch.b.fileForList("airflow.extraEnv"), "airflow.extraEnv", envItem(env, secret, k))
		ch.b.stageEnv(ch, env)
		for _, f := range ch.g.findings {
			ch.move(f, secret, k, generated, fmt.Sprintf("airflow.extraEnv %s (secretKeyRef), airflow.%s empty", env, key))
		}
		if generated && component == CompFernetKey {
			ch.note("A new fernet key was generated. If this deployment already stored connections or variables, set AIRFLOW__CORE__FERNET_KEY to \"NEW_KEY,OLD_KEY\" in %s-%s until `airflow rotate-fernet-key` has re-encrypted them.", ch.b.o.Prefix, component)
		}
		return ""
	}
}

// configEnv moves an airflow.config entry (rendered into the chart's
// config Secret and read with envFrom) to an airflow.extraEnv entry with
// secretKeyRef; the flower basic auth string goes to
// flower.basicAuthSecret, the chart's own key for it.
func configEnv(ch *change) string {
	name := ch.g.path.Last()
	n := ch.eff(ch.g.key)
	if n == nil || !n.IsString() {
		return "the value is not a string; quote it in the values file first"
	}
	for _, f := range ch.located() {
		ch.op(f.Loc.File, edit.DeleteKey{Path: ch.g.path})
	}
	if name == "AIRFLOW__CELERY__FLOWER_BASIC_AUTH" && !ch.eff("flower.basicAuthSecret").Truthy() && !ch.b.envSet(name) {
		secret, k := ch.put(CompFlowerBasicAuth, "value", n.Value, false)
		ch.mergeAt(ch.b.fileForMap("flower"), "flower", edit.Map("basicAuthSecret", secret, "basicAuthSecretKey", k))
		for _, f := range ch.g.findings {
			ch.move(f, secret, k, false, "flower.basicAuthSecret")
		}
		return ""
	}
	if ch.b.envSet(name) || name == "AIRFLOW__CELERY__FLOWER_BASIC_AUTH" {
		for _, f := range ch.g.findings {
			ch.move(f, "", "", false, fmt.Sprintf("unused: %s is already set from elsewhere; the literal was removed", name))
		}
		return ""
	}
	secret, k := ch.put(CompConfigEnv, name, n.Value, false)
	ch.appendList(ch.b.fileForList("airflow.extraEnv"), "airflow.extraEnv", envItem(name, secret, k))
	ch.b.stageEnv(ch, name)
	for _, f := range ch.g.findings {
		ch.move(f, secret, k, false, fmt.Sprintf("airflow.extraEnv %s (secretKeyRef)", name))
	}
	return ""
}

// envValue turns `value: literal` of a container env entry into
// valueFrom.secretKeyRef. Kubernetes expands $(VAR) and $$ in `value` but
// not in Secret data, so the stored value is the expanded one and values
// that reference other variables are refused.
func envValue(component string) handler {
	return func(ch *change) string {
		for _, f := range ch.located() {
			n := ch.literal(f)
			item := ch.b.files[f.Loc.File].Docs[f.Loc.Doc].Root.At(ch.g.path.Parent())
			name := strings.TrimSpace(item.Get("name").Text())
			switch {
			case n == nil || !n.IsString():
				return "the value is not a string; quote it in the values file first"
			case name == "":
				return "the env entry has no name"
			case strings.Contains(n.Value, "$("):
				return "the value uses Kubernetes $(VAR) expansion, which a Secret value would not get"
			}
			value := strings.ReplaceAll(n.Value, "$$", "$")
			secret, k := ch.put(component, name, value, false)
			ch.op(f.Loc.File, edit.ReplaceEntry{Path: ch.g.path, Key: "valueFrom", Value: secretKeyRef(secret, k)})
			ch.move(f, secret, k, false, "valueFrom.secretKeyRef")
		}
		return ""
	}
}

// stageEnv records an env variable the plan adds to airflow.extraEnv, so
// that no other group adds it twice.
func (b *builder) stageEnv(ch *change, name string) { ch.envs = append(ch.envs, name) }
