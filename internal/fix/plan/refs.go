package plan

import (
	"net/url"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/edit"
)

// backend describes the metadata database or the Celery broker: its Secret
// and the chart keys that reference it, embedded (subchart) or external.
type backend struct {
	component, key string
	embedded       string // postgresql / redis
	existingKey    string // the subchart's key naming the key in existingSecret
	external       string // externalDatabase / externalRedis
	celeryOnly     bool   // the external password is only rendered for Celery executors
}

var (
	dbRef    = backend{CompDatabase, "postgresql-password", "postgresql", "existingSecretKey", "externalDatabase", false}
	redisRef = backend{CompRedis, "redis-password", "redis", "existingSecretPasswordKey", "externalRedis", true}
)

func celeryLike(ch *change) bool {
	e := ch.eff("airflow.executor").Text()
	return e == "CeleryExecutor" || e == "CeleryKubernetesExecutor"
}

// externalPassword moves externalDatabase.password / externalRedis.password
// to passwordSecret(+Key). When the chart does not use the password (the
// embedded service is enabled, a passwordSecret is already set, or Redis
// is not the broker) the literal is only removed.
func externalPassword(be backend) handler {
	return func(ch *change) string {
		live := !ch.eff(be.embedded+".enabled").Truthy() && !ch.eff(be.external+".passwordSecret").Truthy() &&
			(!be.celeryOnly || celeryLike(ch))
		return ch.chartRef(be, be.external, live, [2]string{"passwordSecret", "passwordSecretKey"})
	}
}

// embeddedPassword moves postgresql.postgresqlPassword / redis.password to
// existingSecret(+key); a public default gets a generated password.
func embeddedPassword(be backend) handler {
	return func(ch *change) string {
		live := ch.eff(be.embedded+".enabled").Truthy() && !ch.eff(be.embedded+".existingSecret").Truthy()
		ch.b.dbNote(ch, be, live)
		return ch.chartRef(be, be.embedded, live, [2]string{"existingSecret", be.existingKey})
	}
}

// chartRef blanks the literals and, when live, points the chart at the
// Secret through refs (whose two keys get the Secret name and key).
func (ch *change) chartRef(be backend, parent string, live bool, keys [2]string) string {
	for _, f := range ch.located() {
		ch.op(f.Loc.File, edit.SetScalar{Path: ch.g.path, Value: ""})
	}
	if !live {
		for _, f := range ch.g.findings {
			ch.move(f, "", "", false, "unused by the chart with these values; the literal was removed")
		}
		return ""
	}
	generated := ch.insecure()
	value := ""
	if generated {
		v, err := ch.generate(be.component, be.key, token)
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
	secret, k := ch.put(be.component, be.key, value, generated)
	file := ch.b.fileForMap(parent)
	if n := ch.eff(ch.g.key); n != nil && n.FromUser() {
		file = n.Src.Name
	}
	ch.mergeAt(file, parent, edit.Map(keys[0], secret, keys[1], k))
	for _, f := range ch.g.findings {
		ch.move(f, secret, k, generated, parent+"."+keys[0])
	}
	return ""
}

// dbNote warns that an embedded service keeps the password it was
// initialised with.
func (b *builder) dbNote(ch *change, be backend, live bool) {
	if live && be.component == CompDatabase {
		ch.note("The embedded PostgreSQL sets its password only when its volume is first initialised: on an existing installation, change the password in the database (ALTER USER) to the value in %s-%s before deploying.", b.o.Prefix, be.component)
	}
}

// gitRepo moves credentials out of dags.gitSync.repo into
// dags.gitSync.httpSecret, whose username and password keys git-sync
// reads as GIT_SYNC_USERNAME and GIT_SYNC_PASSWORD.
func gitRepo(ch *change) string {
	switch {
	case ch.eff("dags.gitSync.sshSecret").Truthy():
		return "dags.gitSync.sshSecret is set, and the chart allows only one of sshSecret and httpSecret; remove the credentials from the URL by hand"
	case ch.eff("dags.gitSync.httpSecret").Truthy():
		return "dags.gitSync.httpSecret is already set; remove the credentials from the URL by hand"
	}
	eff := ch.eff(ch.g.key)
	for _, f := range ch.located() {
		n := ch.literal(f)
		if n == nil || !n.IsString() {
			return "the value is not a string"
		}
		plain, _, _, why := splitUserinfo(n.Value)
		if why != "" {
			return why
		}
		ch.op(f.Loc.File, edit.SetScalar{Path: ch.g.path, Value: plain})
	}
	if eff == nil || !eff.FromUser() || !ch.eff("dags.gitSync.enabled").Truthy() {
		for _, f := range ch.g.findings {
			ch.move(f, "", "", false, "unused by the chart with these values; the credentials were removed from the URL")
		}
		return ""
	}
	_, user, pass, why := splitUserinfo(eff.Value)
	if why != "" {
		return why
	}
	secret, uk := ch.put(CompGit, "username", user, false)
	_, pk := ch.put(CompGit, "password", pass, false)
	ch.mergeAt(eff.Src.Name, "dags.gitSync", edit.Map("httpSecret", secret, "httpSecretUsernameKey", uk, "httpSecretPasswordKey", pk))
	for _, f := range ch.g.findings {
		ch.move(f, secret, uk+" "+pk, false, "dags.gitSync.httpSecret")
	}
	return ""
}

// splitUserinfo removes "user:password@" from an http(s) URL, keeping every
// other character as written, and returns the decoded credentials.
func splitUserinfo(raw string) (plain, user, pass, why string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User == nil {
		return "", "", "", "only http(s) URLs with user:password@ can move to dags.gitSync.httpSecret; use dags.gitSync.sshSecret for SSH"
	}
	pw, ok := u.User.Password()
	user = u.User.Username()
	if !ok || pw == "" || user == "" {
		return "", "", "", "the URL carries a token as the user without a password, and git-sync needs both: write it as user:TOKEN@ (GitHub accepts any user name, GitLab \"oauth2\") and run fix again"
	}
	start := strings.Index(raw, "://") + 3
	authority := raw[start:]
	if end := strings.IndexAny(authority, "/?#"); end >= 0 {
		authority = authority[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return "", "", "", "cannot find the credentials in the URL"
	}
	return raw[:start] + raw[start+at+1:], user, pw, ""
}
