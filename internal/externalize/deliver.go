package externalize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/fix"
)

// deliver pushes (or, dry, reads what a push would change) and writes: the
// manager first, then the outputs, then the values, so the values never
// reference a secret that is not there.
func (o *Options) deliver(ctx context.Context, r *Result) error {
	// Refuse bad output locations before touching the manager.
	if !o.DryRun {
		if err := o.checkOutputs(r.Outputs); err != nil {
			return err
		}
	}
	if o.Push && len(r.Secrets) > 0 {
		st := o.Store
		if st == nil {
			var err error
			if st, err = newStore(ctx, o); err != nil {
				return err
			}
			if c, ok := st.(io.Closer); ok {
				defer c.Close()
			}
		}
		rep, err := remote.Sync(ctx, st, r.Secrets, o.DryRun)
		r.Push = rep
		if err != nil {
			return fmt.Errorf("push to %s: %w", o.Provider, err)
		}
	}
	if o.DryRun || (len(r.Files) == 0 && len(r.Outputs) == 0) {
		return nil
	}
	for i, w := range r.Outputs {
		dirMode := os.FileMode(0o755)
		if w.Mode&0o077 == 0 {
			dirMode = 0o700
		}
		if err := os.MkdirAll(filepath.Dir(w.Path), dirMode); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(w.Path), err)
		}
		if err := atomicfile.Write(w.Path, w.data, w.Mode); err != nil {
			return err
		}
		r.Outputs[i].Wrote = true
	}
	return (&fix.Result{Files: r.Files}).WriteValues()
}

// checkOutputs refuses to replace a file airlock did not write and to put
// secret values (mode 0600 files) inside a git work tree.
func (o *Options) checkOutputs(outs []Output) error {
	for _, w := range outs {
		data, err := os.ReadFile(w.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return fmt.Errorf("read %s: %w", w.Path, err)
		case !strings.HasSuffix(w.Path, ".json") && !bytes.Contains(data, []byte("Written by airlock")):
			return fmt.Errorf("%w: %s exists and was not written by airlock; move it or choose another --out", ErrUsage, w.Path)
		}
		if w.Mode&0o077 != 0 || o.AllowInRepo {
			continue
		}
		if root, ok := fix.WorkTree(w.Path); ok {
			return fmt.Errorf("%w: %s would hold secret values inside the git work tree %s; use --push, write it elsewhere with --secrets-file, or pass --allow-in-repo", ErrUsage, w.Path, root)
		}
	}
	return nil
}
