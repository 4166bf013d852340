// Package gcp pushes secrets to Google Secret Manager with the official
// client (cloud.google.com/go/secretmanager). Credentials come from
// Application Default Credentials (gcloud auth application-default login,
// GOOGLE_APPLICATION_CREDENTIALS, workload identity), never from a flag.
//
// A secret is created with automatic replication when missing, and each
// change is a new version; an unchanged push only reads the latest one.
package gcp

import (
	"context"
	"fmt"
	"hash/crc32"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/airlockhq/airlock/internal/externalize/aws"
	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// Store is one project's Secret Manager.
type Store struct {
	c       *secretmanager.Client
	project string
}

var _ remote.Store = (*Store)(nil)

// New connects with opts (tests point it at a local server).
func New(ctx context.Context, project string, opts ...option.ClientOption) (*Store, error) {
	c, err := secretmanager.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("google secret manager client: %w", err)
	}
	return &Store{c: c, project: project}, nil
}

// Close releases the connection.
func (s *Store) Close() error { return s.c.Close() }

func (s *Store) secret(name string) string { return "projects/" + s.project + "/secrets/" + name }

// Read returns the latest version's payload, decoded.
func (s *Store) Read(ctx context.Context, sec *remote.Secret) (remote.Current, error) {
	v, err := s.c.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: s.secret(sec.Name) + "/versions/latest"})
	if status.Code(err) == codes.NotFound {
		return remote.Current{}, nil
	}
	if err != nil {
		return remote.Current{}, err
	}
	props, err := aws.Decode(sec, string(v.GetPayload().GetData()))
	if err != nil {
		return remote.Current{}, err
	}
	return remote.Current{Found: true, Props: props}, nil
}

// Write creates the secret when needed and adds a version with the
// payload's CRC32C, which the service verifies.
func (s *Store) Write(ctx context.Context, sec *remote.Secret, props map[string]any, cur remote.Current) error {
	body, err := aws.Encode(sec, props)
	if err != nil {
		return err
	}
	if !cur.Found {
		_, err := s.c.CreateSecret(ctx, &secretmanagerpb.CreateSecretRequest{Parent: "projects/" + s.project, SecretId: sec.Name,
			Secret: &secretmanagerpb.Secret{Labels: map[string]string{"managed-by": "airlock"},
				Replication: &secretmanagerpb.Replication{Replication: &secretmanagerpb.Replication_Automatic_{Automatic: &secretmanagerpb.Replication_Automatic{}}}}})
		// An existing secret without an enabled version reads as absent.
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return err
		}
	}
	crc := int64(crc32.Checksum([]byte(body), crc32.MakeTable(crc32.Castagnoli)))
	_, err = s.c.AddSecretVersion(ctx, &secretmanagerpb.AddSecretVersionRequest{Parent: s.secret(sec.Name),
		Payload: &secretmanagerpb.SecretPayload{Data: []byte(body), DataCrc32C: &crc}})
	return err
}
