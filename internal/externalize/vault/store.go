package vault

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/vault/api"
	"github.com/hashicorp/vault/api/cliconfig"

	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// NewClient builds a Vault client from the standard environment; addr,
// when not empty, overrides VAULT_ADDR.
func NewClient(addr string) (*api.Client, error) {
	cfg := api.DefaultConfig()
	if cfg.Error != nil {
		return nil, fmt.Errorf("vault client configuration: %w", cfg.Error)
	}
	if addr != "" {
		cfg.Address = addr
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("vault client: %w", err)
	}
	if c.Token() == "" {
		// The vault CLI keeps the token of `vault login` with its token
		// helper (~/.vault-token unless ~/.vault configures another).
		if h, err := cliconfig.DefaultTokenHelper(); err == nil {
			if tok, err := h.Get(); err == nil {
				c.SetToken(strings.TrimSpace(tok))
			}
		}
	}
	if c.Token() == "" {
		return nil, errors.New("no Vault token: set VAULT_TOKEN (or log in with `vault login`, which writes ~/.vault-token)")
	}
	return c, nil
}

// Store is a KV v2 mount.
type Store struct {
	kv    *api.KVv2
	mount string
}

// New returns the store for the KV v2 engine mounted at mount ("secret").
func New(c *api.Client, mount string) *Store {
	mount = strings.Trim(mount, "/")
	return &Store{kv: c.KVv2(mount), mount: mount}
}

var _ remote.Store = (*Store)(nil)

// Read returns the latest version's data. A secret whose latest version
// is deleted or destroyed reads as absent, with its version so that the
// check-and-set write that recreates it succeeds.
func (s *Store) Read(ctx context.Context, sec *remote.Secret) (remote.Current, error) {
	kvs, err := s.kv.Get(ctx, sec.Name)
	switch {
	case errors.Is(err, api.ErrSecretNotFound):
		meta, merr := s.kv.GetMetadata(ctx, sec.Name)
		if errors.Is(merr, api.ErrSecretNotFound) {
			return remote.Current{}, nil
		}
		if merr != nil {
			return remote.Current{}, s.describe(merr)
		}
		return remote.Current{Version: int64(meta.CurrentVersion)}, nil
	case err != nil:
		return remote.Current{}, s.describe(err)
	}
	cur := remote.Current{Found: kvs.Data != nil, Props: kvs.Data}
	if kvs.VersionMetadata != nil {
		cur.Version = int64(kvs.VersionMetadata.Version)
	}
	return cur, nil
}

// Write stores props as a new version, only if the latest version is
// still cur.Version (0: only if the secret does not exist).
func (s *Store) Write(ctx context.Context, sec *remote.Secret, props map[string]any, cur remote.Current) error {
	_, err := s.kv.Put(ctx, sec.Name, props, api.WithCheckAndSet(int(cur.Version)))
	if err != nil {
		if strings.Contains(err.Error(), "check-and-set") {
			return remote.ErrConflict
		}
		return s.describe(err)
	}
	return nil
}

// describe keeps the Vault status and error list, which name the path and
// the reason (permission denied, no such mount), and never contain data.
func (s *Store) describe(err error) error {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return fmt.Errorf("vault %s %s: HTTP %d: %s", re.HTTPMethod, re.URL, re.StatusCode, strings.Join(re.Errors, "; "))
	}
	return err
}
