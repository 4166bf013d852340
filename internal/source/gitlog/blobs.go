package gitlog

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Blob is one object read by ReadBlobs.
type Blob struct {
	ID   string
	Size int64
	// Data is the content; nil when the blob is larger than the limit.
	Data []byte
	// TooLarge is set when Size exceeds the limit and Data was not kept.
	TooLarge bool
}

// ErrMissingObject is wrapped when the repository lacks an object its
// history refers to: a corrupt repository, or a partial clone.
var ErrMissingObject = errors.New("object missing from the repository")

// ReadBlobs streams the content of each id once through a single
// `git cat-file --batch`, in the order given, calling fn for each. Blobs
// larger than max bytes (when max > 0) are skipped by git's reader
// without being kept in memory.
func (r *Repo) ReadBlobs(ctx context.Context, ids []string, max int64, fn func(Blob) error) error {
	ch := make(chan string, len(ids))
	for _, id := range ids {
		ch <- id
	}
	close(ch)
	return r.ReadBlobStream(ctx, ch, max, func(_ int, b Blob) error { return fn(b) })
}

// ReadBlobStream is ReadBlobs for ids that arrive while git is already
// answering, so a caller can read blobs while it is still walking the
// history. fn gets each blob with its position in the stream.
func (r *Repo) ReadBlobStream(ctx context.Context, ids <-chan string, max int64, fn func(seq int, b Blob) error) error {
	args := []string{"cat-file", "--batch"}
	write := func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 16<<10)
		for {
			var id string
			var ok bool
			select {
			case id, ok = <-ids:
			default:
				// Nothing queued: let git answer what it has before waiting.
				if err := bw.Flush(); err != nil {
					return err
				}
				id, ok = <-ids
			}
			if !ok {
				return bw.Flush()
			}
			if !isObjectID(id) {
				return fmt.Errorf("read blobs: %q is not an object id", clip(id))
			}
			if _, err := bw.WriteString(id + "\n"); err != nil {
				return err
			}
		}
	}
	hint := "run git fsck"
	if r.Partial {
		hint = "a partial clone: objects it lacks are not fetched during a scan: clone the repository again without --filter"
	}
	read := func(out io.Reader) error { return parseBatch(out, max, r.Name, hint, fn) }
	return r.stream(ctx, args, write, read)
}

// parseBatch reads `git cat-file --batch` answers until git closes its
// output: a header line "<id> <type> <size>" (or "<id> missing"), the
// content and a newline.
func parseBatch(in io.Reader, max int64, repo, hint string, fn func(int, Blob) error) error {
	br := bufio.NewReaderSize(in, 256<<10)
	for i := 0; ; i++ {
		line, err := br.ReadString('\n')
		if err == io.EOF && line == "" {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: git cat-file: output ends inside the answer for object %d", repo, i+1)
		}
		f := strings.Fields(line)
		if len(f) == 2 && f[1] == "missing" {
			return fmt.Errorf("%w: %s: %w: %s (%s)", ErrRepository, repo, ErrMissingObject, f[0], hint)
		}
		if len(f) != 3 {
			return fmt.Errorf("%s: git cat-file: unexpected header %q", repo, clip(line))
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("%s: git cat-file: bad size in %q", repo, clip(line))
		}
		b := Blob{ID: f[0], Size: size}
		if f[1] != "blob" {
			return fmt.Errorf("%w: %s: object %s is a %s, not a file", ErrRepository, repo, f[0], f[1])
		}
		if max > 0 && size > max {
			b.TooLarge = true
			_, err = io.CopyN(io.Discard, br, size+1)
		} else {
			b.Data = make([]byte, size+1)
			_, err = io.ReadFull(br, b.Data)
			if err == nil && b.Data[size] != '\n' {
				err = fmt.Errorf("object %s not followed by a newline", f[0])
			}
			b.Data = b.Data[:size]
		}
		if err != nil {
			return fmt.Errorf("%s: git cat-file: %w", repo, err)
		}
		if err := fn(i, b); err != nil {
			return err
		}
	}
}
