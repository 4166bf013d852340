// Package aws pushes secrets to AWS Secrets Manager with the official SDK
// (github.com/aws/aws-sdk-go-v2/service/secretsmanager). Credentials come
// from the SDK's default chain (environment, shared config and SSO
// profiles, IRSA web identity, instance roles), never from a flag.
//
// A secret with properties is stored as a JSON object (what the External
// Secrets Operator's property lookup and Airflow's JSON connections read);
// a Raw secret as the plain string (what Airflow's backend reads for a
// variable or a config option). Secrets Manager has no conditional write,
// so Sync's read-compare-write is the idempotence guard.
package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// API is the part of the Secrets Manager client the store uses.
type API interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
	CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	PutSecretValue(context.Context, *secretsmanager.PutSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

// Store is one account and region of Secrets Manager.
type Store struct{ c API }

var _ remote.Store = (*Store)(nil)

// New returns a store using c.
func New(c API) *Store { return &Store{c: c} }

// NewFromEnvironment loads the SDK's default configuration for region.
func NewFromEnvironment(ctx context.Context, region string) (*Store, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("aws configuration: %w", err)
	}
	return New(secretsmanager.NewFromConfig(cfg)), nil
}

// Read returns the current value, decoded.
func (s *Store) Read(ctx context.Context, sec *remote.Secret) (remote.Current, error) {
	out, err := s.c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(sec.Name)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return remote.Current{}, nil
	}
	if err != nil {
		return remote.Current{}, err
	}
	props, err := Decode(sec, aws.ToString(out.SecretString))
	if err != nil {
		return remote.Current{}, err
	}
	return remote.Current{Found: true, Props: props}, nil
}

// Write creates the secret or puts a new version of it.
func (s *Store) Write(ctx context.Context, sec *remote.Secret, props map[string]any, cur remote.Current) error {
	body, err := Encode(sec, props)
	if err != nil {
		return err
	}
	if !cur.Found {
		_, err := s.c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(sec.Name), SecretString: aws.String(body),
			Description: aws.String("Written by airlock externalize"), Tags: []types.Tag{{Key: aws.String("managed-by"), Value: aws.String("airlock")}}})
		var exists *types.ResourceExistsException
		if errors.As(err, &exists) {
			return remote.ErrConflict
		}
		return err
	}
	_, err = s.c.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(sec.Name), SecretString: aws.String(body)})
	return err
}

// Decode reads a stored string: the whole value for a Raw secret, else a
// JSON object. Anything else is refused rather than overwritten.
func Decode(sec *remote.Secret, body string) (map[string]any, error) {
	if sec.Raw {
		if len(sec.Props) != 1 {
			return nil, fmt.Errorf("%s: a plain-string secret holds one value", sec.Name)
		}
		return map[string]any{sec.Props[0].Key: body}, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil || m == nil {
		return nil, fmt.Errorf("%s holds something other than a JSON object; airlock will not overwrite it", sec.Name)
	}
	return m, nil
}

// Encode renders the content to store (JSON with sorted keys).
func Encode(sec *remote.Secret, props map[string]any) (string, error) {
	if sec.Raw {
		v, _ := props[sec.Props[0].Key].(string)
		return v, nil
	}
	b, err := json.Marshal(props)
	if err != nil {
		return "", fmt.Errorf("%s: %w", sec.Name, err)
	}
	return string(b), nil
}
