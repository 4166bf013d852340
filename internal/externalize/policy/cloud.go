package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// AWSOptions place the IAM grants.
type AWSOptions struct {
	Prefix    string
	Region    string // "*" when empty
	AccountID string // "*" when empty
}

type iamDoc struct {
	Version   string         `json:"Version"`
	Statement []iamStatement `json:"Statement"`
}

type iamStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource"`
}

// SecretARN is the IAM resource of a Secrets Manager secret: AWS appends
// "-" and six random characters to the name, which "-??????" matches
// without matching a longer name.
func (o AWSOptions) SecretARN(name string) string {
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-??????", or(o.Region, "*"), or(o.AccountID, "*"), name)
}

// AWS renders an IAM policy document per reader (for the IRSA role of its
// ServiceAccount) and one for the pusher.
func AWS(secrets []*remote.Secret, ids []Identity, o AWSOptions) ([]File, error) {
	var files []File
	for _, id := range sortedIDs(secrets, ids) {
		f, err := o.doc(id.Name, readable(secrets, id.Name), "Read", []string{"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"})
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	f, err := o.doc(Pusher, names(secrets), "Write", []string{"secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"})
	if err != nil {
		return nil, err
	}
	return append(files, f), nil
}

func (o AWSOptions) doc(id string, secrets []string, verb string, actions []string) (File, error) {
	st := iamStatement{Sid: verb + "AirflowSecrets", Effect: "Allow", Action: actions}
	for _, s := range secrets {
		st.Resource = append(st.Resource, o.SecretARN(s))
	}
	data, err := json.MarshalIndent(iamDoc{Version: "2012-10-17", Statement: []iamStatement{st}}, "", "  ")
	if err != nil {
		return File{}, err
	}
	return File{Path: "aws/iam-policy-" + or(o.Prefix, "airflow") + "-" + id + ".json", Data: append(data, '\n')}, nil
}

// GCPOptions place the Secret Manager grants.
type GCPOptions struct {
	Prefix  string
	Project string
}

// GCP renders a script that grants each reader's Google service account
// roles/secretmanager.secretAccessor on exactly its secrets, and the
// pusher roles/secretmanager.secretVersionAdder on every secret (creating
// a secret needs secretmanager.secrets.create on the project, granted
// separately).
func GCP(secrets []*remote.Secret, ids []Identity, o GCPOptions) []File {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by airlock externalize. Least-privilege Secret Manager grants.\n")
	b.WriteString("# Set each variable to the Google service account its Kubernetes ServiceAccount\n# impersonates through Workload Identity.\nset -eu\n")
	fmt.Fprintf(&b, "PROJECT=${PROJECT:-%s}\n", or(o.Project, "set-your-project"))
	for _, id := range sortedIDs(secrets, ids) {
		v := shellVar(id.Name)
		fmt.Fprintf(&b, "\n# %s (ServiceAccount %s/%s)\n: \"${%s:?set %s to the Google service account email}\"\n", id.What, id.Namespace, id.ServiceAccount, v, v)
		for _, s := range readable(secrets, id.Name) {
			fmt.Fprintf(&b, "gcloud secrets add-iam-policy-binding %s --project \"$PROJECT\" --member \"serviceAccount:${%s}\" --role roles/secretmanager.secretAccessor\n", s, v)
		}
	}
	return []File{{Path: "gcp/iam-bindings.sh", Data: []byte(b.String())}}
}

// Azure renders a script that assigns each reader's managed identity the
// "Key Vault Secrets User" role on exactly its secrets.
func Azure(secrets []*remote.Secret, ids []Identity) []File {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by airlock externalize. Least-privilege Key Vault role assignments\n")
	b.WriteString("# (the vault must use the Azure RBAC permission model). VAULT_ID is the vault's\n# resource id; each variable is the principal id of a workload identity.\nset -eu\n")
	b.WriteString(": \"${VAULT_ID:?set VAULT_ID to the key vault resource id}\"\n")
	for _, id := range sortedIDs(secrets, ids) {
		v := shellVar(id.Name)
		fmt.Fprintf(&b, "\n# %s (ServiceAccount %s/%s)\n: \"${%s:?set %s to the principal id}\"\n", id.What, id.Namespace, id.ServiceAccount, v, v)
		for _, s := range readable(secrets, id.Name) {
			fmt.Fprintf(&b, "az role assignment create --role \"Key Vault Secrets User\" --assignee-object-id \"${%s}\" --assignee-principal-type ServicePrincipal --scope \"$VAULT_ID/secrets/%s\"\n", v, s)
		}
	}
	return []File{{Path: "azure/role-assignments.sh", Data: []byte(b.String())}}
}

func shellVar(id string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(id)) + "_PRINCIPAL"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
