package doc

import (
	"fmt"
	"slices"
	"time"

	"github.com/airlockhq/airlock/internal/audit/policy"
)

// kindInfo is what the document says about each rotation kind by default.
type kindInfo struct {
	label, procedure string
}

var kinds = map[policy.Kind]kindInfo{
	policy.FernetKey:          {"Fernet key", "Generate a new key; set AIRFLOW__CORE__FERNET_KEY to \"new,old\" and roll every Airflow pod; run airflow rotate-fernet-key to re-encrypt connections and variables; then remove the old key and roll again."},
	policy.WebserverSecretKey: {"Webserver secret key", "Generate a new random key and roll the web pods (and every pod that serves logs, which signs log requests with it): existing sessions end."},
	policy.DatabasePassword:   {"Database password", "Add the new password in the database (or a second user), update the Secret, roll every Airflow pod and PgBouncer, then revoke the old password."},
	policy.RedisPassword:      {"Redis password", "Change the password in Redis and in the Secret together, then roll the workers, scheduler and flower; queued tasks survive."},
	policy.Connection:         {"Connection credential", "Rotate the credential in the external system, update the Secret the *Templates entry reads; the sync job updates the connection."},
	policy.Token:              {"API token", "Issue a new token with the same scope, update the Secret, roll the readers, then revoke the old token."},
	policy.SSHKey:             {"SSH key", "Add a new deploy key (read-only), update the Secret, confirm git-sync pulls, then remove the old key."},
	policy.TLS:                {"TLS key and certificate", "Renew before expiry (cert-manager does it for you); a new key with each renewal."},
	policy.Registry:           {"Registry credential", "Issue a new pull token, update the Secret, then revoke the old one."},
	policy.Other:              {"Other secret", "Rotate at the source, update the Secret, roll the readers."},
}

// kindLabel is a human name for a rotation kind.
func kindLabel(k policy.Kind) string {
	if i, ok := kinds[k]; ok {
		return i.label
	}
	return string(k)
}

// rotation lists the rotation expectation of every kind, with the secrets
// of this deployment that fall under it.
func (b *builder) rotation() []RotationRule {
	var out []RotationRule
	for _, k := range kindOrder() {
		r := RotationRule{Kind: k, Label: kindLabel(k), Limit: limitText(b.cfg.Policy.Limit(k)), Procedure: kinds[k].procedure}
		if p, ok := b.cfg.Procedures[k]; ok {
			r.Procedure = p
		}
		for _, s := range b.secrets {
			if s.Kind == k {
				r.Secrets = append(r.Secrets, s.Name)
			}
		}
		out = append(out, r)
	}
	return out
}

func limitText(d time.Duration) string {
	if d <= 0 {
		return "not checked (off)"
	}
	days := int(d / policy.Day)
	if d%policy.Day != 0 {
		return fmt.Sprintf("every %d hours", int(d/time.Hour))
	}
	return fmt.Sprintf("every %d days", days)
}

// kindOrder lists the kinds most important first; kinds the policy adds
// later follow in its own order.
func kindOrder() []policy.Kind {
	order := []policy.Kind{policy.FernetKey, policy.WebserverSecretKey, policy.DatabasePassword, policy.RedisPassword,
		policy.Connection, policy.Token, policy.SSHKey, policy.TLS, policy.Registry, policy.Other}
	for _, k := range policy.Kinds() {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	return order
}
