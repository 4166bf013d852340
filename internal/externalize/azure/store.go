// Package azure pushes secrets to Azure Key Vault with the official SDK
// (azsecrets). Credentials come from azidentity's DefaultAzureCredential
// (environment, workload identity, managed identity, az login), never
// from a flag.
//
// Key Vault secret names allow only letters, digits and dashes (package
// layout names them so); each change is a new version.
package azure

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/airlockhq/airlock/internal/externalize/aws"
	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// Store is one key vault.
type Store struct{ c *azsecrets.Client }

var _ remote.Store = (*Store)(nil)

// New returns a store for vaultURL with cred and options (tests point it
// at a local server).
func New(vaultURL string, cred azcore.TokenCredential, o *azsecrets.ClientOptions) (*Store, error) {
	c, err := azsecrets.NewClient(vaultURL, cred, o)
	if err != nil {
		return nil, fmt.Errorf("azure key vault client: %w", err)
	}
	return &Store{c: c}, nil
}

// NewFromEnvironment uses DefaultAzureCredential.
func NewFromEnvironment(vaultURL string) (*Store, error) {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("azure credentials: %w", err)
	}
	return New(vaultURL, cred, nil)
}

// Read returns the latest version's value, decoded.
func (s *Store) Read(ctx context.Context, sec *remote.Secret) (remote.Current, error) {
	resp, err := s.c.GetSecret(ctx, sec.Name, "", nil)
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
		return remote.Current{}, nil
	}
	if err != nil {
		return remote.Current{}, describe(err)
	}
	value := ""
	if resp.Value != nil {
		value = *resp.Value
	}
	props, err := aws.Decode(sec, value)
	if err != nil {
		return remote.Current{}, err
	}
	return remote.Current{Found: true, Props: props}, nil
}

// Write sets a new version.
func (s *Store) Write(ctx context.Context, sec *remote.Secret, props map[string]any, _ remote.Current) error {
	body, err := aws.Encode(sec, props)
	if err != nil {
		return err
	}
	ct := "application/json"
	if sec.Raw {
		ct = "text/plain"
	}
	managed := "airlock"
	_, err = s.c.SetSecret(ctx, sec.Name, azsecrets.SetSecretParameters{Value: &body, ContentType: &ct, Tags: map[string]*string{"managed-by": &managed}}, nil)
	return describe(err)
}

// describe keeps the service's error code and status, not the request
// body (which would hold the value).
func describe(err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("azure key vault: HTTP %d %s", re.StatusCode, re.ErrorCode)
	}
	return err
}
