package doc

import (
	"github.com/airlockhq/airlock/internal/audit/policy"
)

// collect builds the inventory from the values: each function knows one
// part of the chart (its keys, defaults and the Secrets it renders), then
// findings that no part claimed become entries of their own.
func (b *builder) collect() {
	b.settings()
	b.database()
	b.redis()
	b.templated()
	b.gitCredentials()
	b.otherReferences()
	b.leftovers()
}

// database adds the metadata database password: the embedded PostgreSQL
// (postgresql.existingSecret, else postgresql.postgresqlPassword in the
// subchart's Secret) or an external database (passwordSecret, else
// password in the chart's config-envs Secret). Pods read it as
// DATABASE_PASSWORD.
func (b *builder) database() {
	e := catalogEntry("external-database-password")
	s := &Secret{ID: "metadata-database-password", Name: "Metadata database password", Kind: policy.DatabasePassword, Why: e.Why, Remediation: e.Remediation}
	s.bind.envs = []string{"DATABASE_PASSWORD"}
	if b.enabled("postgresql.enabled", true) {
		s.Remediation = catalogEntry("postgresql-password").Remediation
		s.bind.paths = []string{"postgresql.postgresqlPassword"}
		s.Configured = []Place{b.place("postgresql.enabled")}
		if name := b.text("postgresql.existingSecret"); name != "" {
			key := b.text("postgresql.existingSecretKey")
			s.Configured = append(s.Configured, b.place("postgresql.existingSecret"), b.place("postgresql.existingSecretKey"))
			s.Sources = []Source{b.secretRef(name, key)}
			s.bind.keys = []secretKey{{name, key}}
		} else {
			s.Configured = append(s.Configured, b.place("postgresql.postgresqlPassword"))
			s.Sources = []Source{b.subchartLiteral("postgresql.postgresqlPassword", "postgresql", "postgresql-password")}
		}
	} else {
		s.bind.paths = []string{"externalDatabase.password"}
		b.passwordPair(s, "externalDatabase", "DATABASE_PASSWORD")
	}
	b.secrets = append(b.secrets, s)
}

// redis adds the Celery broker password; only Celery executors use Redis.
func (b *builder) redis() {
	if !b.celery {
		return
	}
	e := catalogEntry("external-redis-password")
	s := &Secret{ID: "redis-password", Name: "Redis (Celery broker) password", Kind: policy.RedisPassword, Why: e.Why, Remediation: e.Remediation}
	s.bind.envs = []string{"REDIS_PASSWORD"}
	if b.enabled("redis.enabled", true) {
		s.Remediation = catalogEntry("redis-password").Remediation
		s.bind.paths = []string{"redis.password"}
		s.Configured = []Place{b.place("redis.enabled")}
		if name := b.text("redis.existingSecret"); name != "" {
			key := b.text("redis.existingSecretPasswordKey")
			s.Configured = append(s.Configured, b.place("redis.existingSecret"), b.place("redis.existingSecretPasswordKey"))
			s.Sources = []Source{b.secretRef(name, key)}
			s.bind.keys = []secretKey{{name, key}}
		} else {
			s.Configured = append(s.Configured, b.place("redis.password"))
			s.Sources = []Source{b.subchartLiteral("redis.password", "redis", "redis-password")}
		}
	} else {
		s.bind.paths = []string{"externalRedis.password"}
		b.passwordPair(s, "externalRedis", "REDIS_PASSWORD")
	}
	b.secrets = append(b.secrets, s)
}

// passwordPair reads the chart's passwordSecret/passwordSecretKey/password
// triple of externalDatabase and externalRedis.
func (b *builder) passwordPair(s *Secret, prefix, env string) {
	if name := b.text(prefix + ".passwordSecret"); name != "" {
		key := b.text(prefix + ".passwordSecretKey")
		s.Configured = []Place{b.place(prefix + ".passwordSecret"), b.place(prefix + ".passwordSecretKey")}
		s.Sources = []Source{b.secretRef(name, key)}
		s.bind.keys = []secretKey{{name, key}}
		return
	}
	n := b.at(prefix + ".password")
	s.Configured = []Place{b.place(prefix + ".password")}
	if !truthyText(n) {
		s.Sources = []Source{{Kind: FromNowhere, Text: prefix + ".password and " + prefix + ".passwordSecret are empty: the connection has no password"}}
		return
	}
	src := literal(prefix+".password", n)
	src.Secret, src.Key = b.releaseSecret("config-envs"), env
	src.Provider = Provider{Kind: ByChart, Text: "rendered by the chart (secret-config-envs.yaml)", Origin: originOf(n)}
	src.Text += "; the chart copies it into Secret " + src.Secret + ", key " + env
	s.Sources = []Source{src}
}

// subchartLiteral is a password the postgresql or redis subchart writes
// into its own Secret from the values.
func (b *builder) subchartLiteral(path, chart, key string) Source {
	n := b.at(path)
	src := literal(path, n)
	src.Secret, src.Key = b.release+"-"+chart, key
	src.Provider = Provider{Kind: BySubchart, Text: "created by the " + chart + " subchart", Origin: originOf(n)}
	src.Text += "; the " + chart + " subchart writes it into Secret " + src.Secret + ", key " + key
	return src
}

// gitCredentials adds git-sync's HTTP credentials, SSH key, and
// credentials written in the repository URL.
func (b *builder) gitCredentials() {
	if !b.enabled("dags.gitSync.enabled", false) {
		return
	}
	why := catalogEntry("git-sync-repo").Why
	if name := b.text("dags.gitSync.httpSecret"); name != "" {
		key := b.text("dags.gitSync.httpSecretPasswordKey")
		s := &Secret{ID: "git-sync-http-credentials", Name: "git-sync HTTP credentials", Kind: policy.Token, Why: why,
			Configured: []Place{b.place("dags.gitSync.httpSecret"), b.place("dags.gitSync.httpSecretPasswordKey")},
			Sources:    []Source{b.secretRef(name, key)}, Remediation: catalogEntry("git-sync-repo").Remediation}
		s.bind.envs, s.bind.keys = []string{"GIT_SYNC_PASSWORD", "GIT_SYNC_USERNAME"}, []secretKey{{name, key}, {name, b.text("dags.gitSync.httpSecretUsernameKey")}}
		b.secrets = append(b.secrets, s)
	}
	if name := b.text("dags.gitSync.sshSecret"); name != "" {
		key := b.text("dags.gitSync.sshSecretKey")
		s := &Secret{ID: "git-sync-ssh-key", Name: "git-sync SSH private key", Kind: policy.SSHKey,
			Why:        "the deploy key reads (and, if it has write access, changes) the DAG repository: code that runs with every credential of the deployment",
			Configured: []Place{b.place("dags.gitSync.sshSecret"), b.place("dags.gitSync.sshSecretKey")},
			Sources:    []Source{b.secretRef(name, key)}, Remediation: "Keep the key in the Secret; give the deploy key read-only access to the repository."}
		s.bind.keys = []secretKey{{name, key}}
		b.secrets = append(b.secrets, s)
	}
	if b.hasFinding("dags.gitSync.repo") {
		n := b.at("dags.gitSync.repo")
		s := &Secret{ID: "git-sync-repo-credentials", Name: "Credentials in the git-sync repository URL", Kind: policy.Token, Why: why,
			Configured: []Place{b.place("dags.gitSync.repo")}, Remediation: catalogEntry("git-sync-repo").Remediation}
		src := literal("dags.gitSync.repo", n)
		src.Text += "; written into every git-sync container as the literal GIT_SYNC_REPO"
		s.Sources = []Source{src}
		s.bind.envs, s.bind.paths = []string{"GIT_SYNC_REPO"}, []string{"dags.gitSync.repo"}
		b.secrets = append(b.secrets, s)
	}
}
