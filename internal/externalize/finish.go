package externalize

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/backend"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/externalize/policy"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/fix/edit"
)

// finish completes the values edits, the secrets with their readers, and
// the output files.
func (c *claims) finish(ctx context.Context, r *Result) error {
	c.remainder()
	if c.o.Mode == ModeBackend {
		if err := c.configureBackend(); err != nil {
			return err
		}
	}
	files, err := c.ed.apply(c.prep.Files, c.originals())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	var ids []policy.Identity
	if c.o.Mode == ModeVaultAgent && len(c.files) > 0 {
		if ids, err = c.inject(ctx, files); err != nil {
			return err
		}
		c.ed = newEdits(c.ed.order)
		if err := c.annotate(); err != nil {
			return err
		}
		if files, err = c.ed.apply(files, c.originals()); err != nil {
			return fmt.Errorf("%w: %w", ErrUsage, err)
		}
	}
	r.Files = files
	for _, s := range c.secrets {
		r.Secrets = append(r.Secrets, s)
	}
	remote.Sort(r.Secrets)
	for _, s := range r.Secrets {
		if err := c.o.layout().Check(s.Name); err != nil {
			return fmt.Errorf("%w: %w", ErrUsage, err)
		}
	}
	ids = append(ids, c.identities(r.Secrets)...)
	if c.o.Provider != layout.Vault && c.o.cloudAnnotations() == nil && len(r.Secrets) > 0 {
		c.note("No cloud identity given (--aws-role-arn, --gcp-service-account or --azure-client-id): annotate the ServiceAccounts that read the secrets (see the grants in --out) with their IRSA role, Google service account or Azure client id.")
	}
	r.Notes = append(r.Notes, c.prep.Plan.Notes...)
	r.Notes = append(r.Notes, c.notes...)
	out, err := c.o.outputs(c, r, ids)
	r.Outputs = out
	return err
}

// remainder adds what goes the eso way: fix's Kubernetes Secrets, each
// backed by a secret in the manager that the External Secrets Operator
// reads.
func (c *claims) remainder() {
	for _, s := range c.prep.Plan.Secrets {
		name := c.o.layout().Component(s.Component)
		for _, it := range s.Items {
			sec := c.secrets[name]
			if sec == nil {
				sec = &remote.Secret{Name: name}
				c.secrets[name] = sec
			}
			if _, ok := sec.Get(it.Key); !ok {
				sec.Props = append(sec.Props, remote.Prop{Key: it.Key, Value: it.Value, Generated: it.Generated})
			}
			if !slices.Contains(sec.Readers, esoIdentity) {
				sec.Readers = append(sec.Readers, esoIdentity)
			}
		}
	}
	if len(c.prep.Plan.Secrets) > 0 && c.o.Mode != ModeESO {
		var names []string
		for _, s := range c.prep.Plan.Secrets {
			names = append(names, s.Name)
		}
		c.note("%s: what %s mode cannot serve directly goes the eso way (values reference Kubernetes Secrets that External Secrets Operator creates from the manager): %s.", c.o.Mode, c.o.Mode, strings.Join(names, ", "))
	}
}

// configureBackend points Airflow at the manager when something moved.
func (c *claims) configureBackend() error {
	if len(c.paths) == 0 && len(c.moves) == 0 {
		c.note("airflow-backend: no connection, variable or sensitive option to serve from the backend; the backend was not configured.")
		return nil
	}
	class, kwargs, err := backend.Config(backend.Options{Layout: c.o.layout(), VaultURL: c.o.Vault.Addr, VaultMount: c.o.Vault.Mount,
		VaultAuthPath: c.o.Vault.AuthPath, VaultRole: c.o.Prefix + "-" + backendIdentity, AWSRegion: c.o.AWS.Region,
		GCPProject: c.o.GCP.Project, AzureVaultURL: c.o.Azure.VaultURL})
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	c.ed.mergeAt(c.ed.last(), "airflow.config", edit.Map("AIRFLOW__SECRETS__BACKEND", class, "AIRFLOW__SECRETS__BACKEND_KWARGS", kwargs))
	if ann := c.o.cloudAnnotations(); len(ann) > 0 {
		c.ed.mergeAt(c.ed.last(), "serviceAccount.annotations", mapFrag(ann))
	}
	c.note("airflow-backend: the Airflow image needs %s (airflow.extraPipPackages or a custom image), and the backend's identity is the Airflow ServiceAccount %s/%s, shared by every Airflow pod of the chart.", backend.Packages[c.o.Provider], c.o.Namespace, c.o.ServiceAccount)
	c.note("airflow-backend: connections and variables the chart synced before stay in the metadata database until deleted (airflow connections delete ID); the backend is read first.")
	return nil
}

// cloudAnnotations are the ServiceAccount annotations that give pods the
// cloud identity (IRSA, GKE Workload Identity, Azure Workload Identity).
func (o *Options) cloudAnnotations() map[string]string {
	switch {
	case o.Provider == layout.AWS && o.AWS.RoleARN != "":
		return map[string]string{"eks.amazonaws.com/role-arn": o.AWS.RoleARN}
	case o.Provider == layout.GCP && o.GCP.ServiceAccount != "":
		return map[string]string{"iam.gke.io/gcp-service-account": o.GCP.ServiceAccount}
	case o.Provider == layout.Azure && o.Azure.ClientID != "":
		return map[string]string{"azure.workload.identity/client-id": o.Azure.ClientID}
	}
	return nil
}

func mapFrag(m map[string]string) edit.Frag {
	f := edit.Map()
	for _, k := range slices.Sorted(maps.Keys(m)) {
		f = f.With(k, edit.Str(m[k]))
	}
	return f
}

// identities are the readers other than the agent's components.
func (c *claims) identities(secrets []*remote.Secret) []policy.Identity {
	var ids []policy.Identity
	for _, s := range secrets {
		for _, rd := range s.Readers {
			switch {
			case rd == esoIdentity && !slices.ContainsFunc(ids, func(i policy.Identity) bool { return i.Name == rd }):
				ids = append(ids, policy.Identity{Name: rd, ServiceAccount: c.o.esoServiceAccount(), Namespace: c.o.Namespace, What: "the External Secrets Operator store " + c.o.Prefix + "-secret-store"})
			case rd == backendIdentity && !slices.ContainsFunc(ids, func(i policy.Identity) bool { return i.Name == rd }):
				ids = append(ids, policy.Identity{Name: rd, ServiceAccount: c.o.ServiceAccount, Namespace: c.o.Namespace, What: "Airflow's secrets backend (every Airflow pod)"})
			}
		}
	}
	return ids
}

// secretsFile renders the values for the manager: secret name, then
// property: value. It holds every secret and is written with mode 0600.
func secretsFile(secrets []*remote.Secret) ([]byte, error) {
	out := map[string]map[string]string{}
	for _, s := range secrets {
		out[s.Name] = s.Values()
	}
	return encodeYAML("# Written by airlock externalize. Secret values for your secret manager: load them\n# (or run again with --push), then delete this file. Top-level keys are secret names.\n", out)
}
