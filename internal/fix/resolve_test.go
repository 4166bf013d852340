package fix_test

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// generatedMark stands for a value the fix generated on purpose to replace
// a public chart default; it may differ from the value before the fix only
// where that value was the public default.
const generatedMark = "<generated>"

// publicDefaults are the values a generated one may replace.
var publicDefaults = []string{catalog.DefaultFernetKey, catalog.DefaultWebserverSecretKey,
	catalog.DefaultDBPassword, catalog.DefaultRedisPassword, catalog.DefaultAdminPassword}

// deployment is what every container gets: workload/container → its
// environment and files, after the normalisations below.
type deployment map[string]containerView

type containerView struct {
	Env   map[string]string
	Files map[string]string
}

// resolveDeployment resolves every container of the rendered manifests
// against the Secrets in set (rendered, emitted by fix, and the subchart
// Secrets that the fixture chart does not vendor).
func resolveDeployment(set *workload.Set, generated map[string]bool) deployment {
	out := deployment{}
	for _, w := range set.Workloads {
		id := w.Kind + "/" + w.Name
		if w.Embedded != nil {
			id = "ConfigMap/" + w.Embedded.ConfigMap.Name + "/" + w.Embedded.Key
		}
		for _, c := range w.Containers {
			key := fmt.Sprintf("%s %s (init=%v)", id, c.Name, c.Init)
			out[key] = viewOf(set, c, generated)
		}
	}
	return out
}

func viewOf(set *workload.Set, c *workload.Container, generated map[string]bool) containerView {
	v := containerView{Env: map[string]string{}, Files: map[string]string{}}
	env, _ := set.ResolveEnv(c)
	for name, r := range env {
		v.Env[name] = envValue(r, generated)
	}
	expand(v.Env, env)
	files, _ := set.ResolveFiles(c)
	for _, f := range files {
		switch {
		case f.Found != nil && embedded(set, f.Found, f.Key):
			// A pod template is compared as the workload it defines.
			v.Files[f.Path] = "<pod template " + f.Object + "/" + f.Key + ">"
		case f.Data == nil:
			v.Files[f.Path] = fmt.Sprintf("<dangling %s %s/%s>", f.Kind, f.Object, f.Key)
		case generated[f.Object+"/"+f.Key]:
			v.Files[f.Path] = generatedMark
		default:
			v.Files[f.Path] = f.Data.Value.Reveal()
		}
	}
	normalizeGitSync(v.Env)
	normalizeSyncScripts(v.Files)
	return v
}

func envValue(r workload.Resolved, generated map[string]bool) string {
	switch r.Origin {
	case workload.Literal:
		return r.Value.Text()
	case workload.FromField:
		return "<field " + r.Field + ">"
	}
	if r.Data == nil {
		return fmt.Sprintf("<dangling %s %s/%s>", r.Kind, r.Object, r.Key)
	}
	if generated[r.Object+"/"+r.Key] {
		return generatedMark
	}
	return r.Data.Value.Reveal()
}

var k8sVarRE = regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// expand applies Kubernetes' $(VAR) expansion and $$ escaping to literal
// values, which Secret values do not get: a fix that moved such a value
// as written would show up here.
func expand(vals map[string]string, env map[string]workload.Resolved) {
	for name, r := range env {
		if r.Origin != workload.Literal {
			continue
		}
		vals[name] = k8sVarRE.ReplaceAllStringFunc(vals[name], func(m string) string {
			if m == "$$" {
				return "$"
			}
			if v, ok := vals[m[2:len(m)-1]]; ok {
				return v
			}
			return m
		})
	}
}

// normalizeGitSync folds GIT_SYNC_USERNAME/PASSWORD into the repo URL:
// git-sync authenticates the same way with credentials in the URL or in
// those variables, which is the one deliberate difference of the git fix.
func normalizeGitSync(env map[string]string) {
	repo, ok := env["GIT_SYNC_REPO"]
	if !ok {
		return
	}
	user, pass := env["GIT_SYNC_USERNAME"], env["GIT_SYNC_PASSWORD"]
	delete(env, "GIT_SYNC_USERNAME")
	delete(env, "GIT_SYNC_PASSWORD")
	u, err := url.Parse(repo)
	if err != nil {
		return
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
		u.User = nil
	}
	env["GIT_SYNC_REPO"] = fmt.Sprintf("%s user=%q password=%q", u.String(), user, pass)
}

// The chart's sync scripts substitute ${VAR} in some fields from files
// mounted at /mnt/templates; normalising evaluates that, so a literal and a
// template that reads the same value compare equal.
var (
	scriptFieldRE = regexp.MustCompile(`(?m)^(\s+)(password|email|first_name|last_name|host|login|schema|extra|val)=("(?:[^"\\]|\\.)*"),$`)
	templateNames = regexp.MustCompile(`(?s)VAR__TEMPLATE_NAMES = \[.*?\]`)
	pyTemplate    = regexp.MustCompile(`\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})`)
)

func normalizeSyncScripts(files map[string]string) {
	tpl := map[string]string{}
	for p, v := range files {
		if strings.HasPrefix(p, "/mnt/templates/") {
			tpl[strings.TrimPrefix(p, "/mnt/templates/")] = v
			delete(files, p)
		}
	}
	for p, script := range files {
		if !strings.HasPrefix(p, "/mnt/scripts/sync_") {
			continue
		}
		script = templateNames.ReplaceAllString(script, "VAR__TEMPLATE_NAMES = [...]")
		files[p] = scriptFieldRE.ReplaceAllStringFunc(script, func(m string) string {
			sub := scriptFieldRE.FindStringSubmatch(m)
			v, err := strconv.Unquote(sub[3])
			if err != nil || v == "" || len(tpl) == 0 {
				return m
			}
			return sub[1] + sub[2] + "=" + strconv.Quote(safeSubstitute(v, tpl)) + ","
		})
	}
}

// safeSubstitute is Python's string.Template.safe_substitute.
func safeSubstitute(s string, m map[string]string) string {
	return pyTemplate.ReplaceAllStringFunc(s, func(match string) string {
		sub := pyTemplate.FindStringSubmatch(match)
		if sub[1] != "" {
			return "$"
		}
		name := sub[2] + sub[3]
		if v, ok := m[name]; ok {
			return v
		}
		return match
	})
}

// sameValue accepts a generated value where the public default was.
func sameValue(before, after string) bool {
	if before == after {
		return true
	}
	for _, d := range publicDefaults {
		if after == generatedMark && before == d {
			return true
		}
	}
	return sameScript(before, after)
}

// sameScript compares texts line by line, accepting a line where a quoted
// generated value stands for a quoted public default (a sync script's
// password="admin").
func sameScript(before, after string) bool {
	bl, al := strings.Split(before, "\n"), strings.Split(after, "\n")
	if len(bl) != len(al) || !strings.Contains(after, strconv.Quote(generatedMark)) {
		return false
	}
	for i := range bl {
		if bl[i] == al[i] {
			continue
		}
		ok := false
		for _, d := range publicDefaults {
			ok = ok || strings.Replace(bl[i], strconv.Quote(d), strconv.Quote(generatedMark), 1) == al[i]
		}
		if !ok {
			return false
		}
	}
	return true
}

// diffDeployments lists every difference, or none.
func diffDeployments(before, after deployment) []string {
	var out []string
	for k, b := range before {
		a, ok := after[k]
		if !ok {
			out = append(out, "container gone: "+k)
			continue
		}
		out = append(out, diffMaps(k+" env", b.Env, a.Env)...)
		out = append(out, diffMaps(k+" file", b.Files, a.Files)...)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			out = append(out, "new container: "+k)
		}
	}
	sort.Strings(out)
	return out
}

func diffMaps(what string, b, a map[string]string) []string {
	var out []string
	for k, bv := range b {
		av, ok := a[k]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s %s: removed", what, k))
		case !sameValue(bv, av):
			out = append(out, fmt.Sprintf("%s %s: changed (%d chars → %d chars)%s", what, k, len(bv), len(av), firstDiff(bv, av)))
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, fmt.Sprintf("%s %s: added", what, k))
		}
	}
	return out
}

// firstDiff shows where two long texts (scripts) start to differ, masked
// to a short window: test output must not print secrets either.
func firstDiff(a, b string) string {
	if len(a) < 200 && len(b) < 200 {
		return ""
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf(" at byte %d", i)
}

// subchartSecrets stands in for the Secrets of the postgresql and redis
// subcharts, which the fixture chart does not vendor: they hold the
// embedded services' passwords when no existingSecret is set.
func subchartSecrets(eff *yamltree.Node, release string) []*yamltree.Document {
	var docs []*yamltree.Document
	add := func(name, key, value string) {
		src := &yamltree.Source{Name: "subchart", Kind: yamltree.Rendered}
		y := fmt.Sprintf("kind: Secret\napiVersion: v1\nmetadata: {name: %s}\nstringData: {%s: %s}\n", name, key, strconv.Quote(value))
		f, err := yamltree.Parse(src, []byte(y), yamltree.DefaultLimits)
		if err == nil {
			docs = append(docs, f.Docs...)
		}
	}
	pg := eff.Get("postgresql")
	if pg.Get("enabled").Truthy() && !pg.Get("existingSecret").Truthy() {
		add(release+"-postgresql", "postgresql-password", pg.Get("postgresqlPassword").Text())
	}
	rd := eff.Get("redis")
	if rd.Get("enabled").Truthy() && !rd.Get("existingSecret").Truthy() {
		add(release+"-redis", "redis-password", rd.Get("password").Text())
	}
	return docs
}

// generatedKeys lists the Secret keys that hold generated values.
func generatedKeys(p *plan.Plan) map[string]bool {
	out := map[string]bool{}
	for _, s := range p.Secrets {
		for _, it := range s.Items {
			if it.Generated {
				out[s.Name+"/"+it.Key] = true
			}
		}
	}
	return out
}

func embedded(set *workload.Set, o *workload.Object, key string) bool {
	for _, w := range set.Workloads {
		if w.Embedded != nil && w.Embedded.ConfigMap.Name == o.Name && w.Embedded.Key == key {
			return true
		}
	}
	return false
}
