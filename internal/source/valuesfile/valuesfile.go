// Package valuesfile loads the values files a user passes with -f, in
// Helm order, keeping every position.
package valuesfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Load reads and parses one values file. "-" reads stdin. Errors name the
// file and wrap yamltree.ErrInvalid so the CLI exits 2.
func Load(ctx context.Context, name string, stdin io.Reader, lim yamltree.Limits) (*yamltree.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := read(name, stdin, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	display := name
	if name == "-" {
		display = "<stdin>"
	}
	return yamltree.Parse(&yamltree.Source{Name: display, Kind: yamltree.User}, data, lim)
}

// LoadAll loads files in order and stops at the first error, so nothing is
// reported from a half-read set of inputs.
func LoadAll(ctx context.Context, names []string, stdin io.Reader, lim yamltree.Limits) ([]*yamltree.File, error) {
	files := make([]*yamltree.File, 0, len(names))
	for _, n := range names {
		f, err := Load(ctx, n, stdin, lim)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

func read(name string, stdin io.Reader, max int64) ([]byte, error) {
	if name == "-" {
		if stdin == nil {
			return nil, invalid(name, "no standard input")
		}
		return readLimited(name, stdin, max)
	}
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, invalid(name, "no such file")
	case errors.Is(err, fs.ErrPermission):
		return nil, invalid(name, "permission denied")
	case err != nil:
		return nil, invalid(name, err.Error())
	case st.IsDir():
		return nil, invalid(name, "is a directory, not a values file")
	case max > 0 && st.Size() > max:
		return nil, invalid(name, fmt.Sprintf("file is %d bytes, larger than the %d-byte limit for values files", st.Size(), max))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, invalid(name, err.Error())
	}
	defer f.Close()
	return readLimited(name, f, max)
}

func readLimited(name string, r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = yamltree.DefaultLimits.MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, invalid(name, err.Error())
	}
	if int64(len(data)) > max {
		return nil, invalid(name, fmt.Sprintf("input is larger than the %d-byte limit for values files", max))
	}
	return data, nil
}

func invalid(name, msg string) error {
	return &yamltree.Error{File: name, Msg: msg}
}
