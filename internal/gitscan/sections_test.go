package gitscan

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/gitlog"
	"github.com/airlockhq/airlock/internal/testfixture"
)

func TestSplitPieces(t *testing.T) {
	big := "airflow:\n  # the executor\n  executor: CeleryExecutor\n  config:\n    A: b\n" + strings.Repeat("  # pad\n", 8) + "  users:\n  - name: x\n"
	tests := []struct {
		name string
		in   string
		want []string // "start+indent parent|text"
	}{
		{name: "comments go with the key below them",
			in:   "# head\na: 1\n\n# about b\nb:\n  c: 2\n# tail\n",
			want: []string{"1+0 |# head\na: 1\n", "3+0 |\n# about b\nb:\n  c: 2\n# tail\n"}},
		{name: "no final newline", in: "a: 1\nb: |\n  text\n\n  more", want: []string{"1+0 |a: 1\n", "2+0 |b: |\n  text\n\n  more"}},
		{name: "a large mapping is cut into its entries", in: big + "web: {}\n", want: []string{
			"2+2 airflow|# the executor\nexecutor: CeleryExecutor\n",
			"4+2 airflow|config:\n  A: b\n",
			"6+2 airflow|" + strings.Repeat("# pad\n", 8) + "users:\n- name: x\n",
			"16+0 |web: {}\n"}},
		{name: "content before the first key", in: "  a: 1\nb: 2\nc: 3\n"},
		{name: "a list item at the root after a key", in: "a:\n- 1\nb: 2\n", want: []string{"1+0 |a:\n- 1\n", "3+0 |b: 2\n"}},
		{name: "a large entry with an inline value stays whole", in: "a: |\n" + strings.Repeat("  line\n", 14) + "b: 1\n", want: []string{
			"1+0 |a: |\n" + strings.Repeat("  line\n", 14), "16+0 |b: 1\n"}},
		{name: "one section is not worth it", in: "a:\n  b: 1\n"},
		{name: "anchors", in: "a: &x 1\nb: *x\n"},
		{name: "merge key", in: "a:\n  <<: {b: 1}\nc: 2\n"},
		{name: "several documents", in: "a: 1\n---\nb: 2\n"},
		{name: "flow root", in: "{a: 1,\nb: 2}\n"},
		{name: "quoted key", in: "\"a\": 1\nb: 2\n"},
		{name: "list root", in: "- a\n- b\n"},
		{name: "CRLF", in: "a: 1\r\nb: 2\r\n"},
		{name: "quoted scalar over lines", in: "a: \"one\ntwo\"\nb: 2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range splitPieces([]byte(tc.in)) {
				got = append(got, fmt.Sprintf("%d+%d %s|%s", p.start, p.indent, p.parent, p.text()))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("splitPieces (-want +got):\n%s", d)
			}
		})
	}
}

// corpus gathers real values files: the examples, the rule fixtures, the
// shared real-world corpus when present, and edits of each of them (a
// section changed, a section removed) so that the section cache is
// exercised with mixed hits and misses.
func corpus(t *testing.T) map[string][]byte {
	t.Helper()
	root := testfixture.Root()
	dirs := []string{filepath.Join(root, "examples"), filepath.Join(root, "internal", "rule", "catalog", "testdata")}
	shared := os.Getenv("AIRLOCK_SHARED")
	if shared == "" {
		shared = filepath.Join(root, "..", "shared")
	}
	if d := filepath.Join(shared, "corpus", "realworld"); dirExists(d) {
		dirs = append(dirs, d)
	}
	out := map[string][]byte{}
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && isYAML(p) {
				if data, err := os.ReadFile(p); err == nil {
					out[p] = data
				}
			}
			return nil
		})
	}
	// The same sections under a different root: a Secret manifest, and
	// official-chart values, whose findings differ from the plain file's.
	plain := "metadata:\n  name: app\nstringData:\n  api-url: \"https://example.com/v1\"\n  blob: \"c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1\"\n"
	out["context/1-plain.yaml"] = []byte(plain)
	out["context/2-secret.yaml"] = []byte("apiVersion: v1\nkind: Secret\n" + plain)
	env := "config:\n  AIRFLOW__SMTP__SMTP_PASSWORD: \"smtp-Pass-12345\"\nairflow:\n  executor: CeleryExecutor\n"
	out["context/3-community.yaml"] = []byte(env + "web:\n  replicas: 1\n")
	out["context/4-official.yaml"] = []byte(env + "webserver:\n  replicas: 1\nimages:\n  airflow: {}\n")
	// The same entry of a large mapping beside different siblings: an
	// EnvVar-shaped map whose name marks a secret, or not.
	envVar := func(name string) []byte {
		return []byte("env:\n  name: " + name + "\n  value: \"s3cr3t-Value-123\"\n  description: |\n" +
			strings.Repeat("    a line of text\n", 10) + "web:\n  replicas: 1\n")
	}
	out["context/5-env-secret.yaml"] = envVar("DB_PASSWORD")
	out["context/6-env-plain.yaml"] = envVar("LOG_LEVEL")
	for p, data := range maps(out) {
		secs := splitPieces(data)
		if len(secs) < 2 {
			continue
		}
		changed := strings.Replace(string(data), "\n", "\n# edited\n", 1)
		out[p+"#edited"] = []byte(changed)
		lines := strings.SplitAfter(string(data), "\n")
		out[p+"#dropped-first"] = []byte(strings.Join(lines[secs[1].start-1:], ""))
	}
	return out
}

func maps(m map[string][]byte) map[string][]byte {
	c := make(map[string][]byte, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func dirExists(d string) bool {
	st, err := os.Stat(d)
	return err == nil && st.IsDir()
}

func render(r *blobResult) []string {
	out := []string{}
	for _, h := range r.hits {
		f := h.finding()
		out = append(out, fmt.Sprintf("%d:%d %s [%s] %s %s %x", f.Loc.Line, f.Loc.Col, f.Path, f.RuleID, f.Secret.Mask(), h.vpath, h.sum[:4]))
	}
	slices.Sort(out)
	return append(out, fmt.Sprintf("relevant=%v", r.relevant))
}

// TestSectionScanMatchesWholeFileScan is the guarantee behind the speed-up:
// for every file of the corpus, scanning section by section (with a cache
// shared across all files, as in a history) finds exactly what scanning
// the whole file finds.
func TestSectionScanMatchesWholeFileScan(t *testing.T) {
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	bs, err := newBlobScanner(reg, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	split := 0
	files := corpus(t)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		data := files[name]
		sectioned, handled, err := bs.scanSections(ctx, "values.yaml", data)
		if err != nil || !handled {
			continue
		}
		split++
		whole := *bs
		whole.cache = nil
		full, err := whole.scanWhole(ctx, "values.yaml", gitlog.Blob{Data: data})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(render(full), render(sectioned)); d != "" {
			t.Errorf("%s: section scan differs from whole-file scan (-whole +sections):\n%s", name, d)
		}
	}
	if split < 15 {
		t.Errorf("only %d corpus files were split into sections; the test proves little", split)
	}
	t.Logf("%d of %d files compared section by section", split, len(files))
}

// FuzzSectionScan checks on arbitrary input what TestSectionScanMatches-
// WholeFileScan checks on the corpus: whenever a version is scanned piece
// by piece, the pieces find exactly what the whole file finds. An input
// holds two versions of a file separated by a NUL byte; the second is
// scanned after the first, so it may go the incremental way.
func FuzzSectionScan(f *testing.F) {
	big := "airflow:\n  executor: CeleryExecutor\n  config:\n    AIRFLOW__SMTP__SMTP_PASSWORD: \"smtp-Pass-12345\"\n" + strings.Repeat("  # c\n", 12) + "  image:\n    tag: \"1\"\nexternalDatabase:\n  password: \"Sup3r-Secret-DB\"\n"
	seeds := []string{
		big + "\x00" + strings.Replace(big, `tag: "1"`, `tag: "2"\n    pullPolicy: Always`, 1),
		big + "\x00" + strings.Replace(big, `executor: CeleryExecutor`, `executor: KubernetesExecutor`, 1),
		big + "\x00" + strings.Replace(big, `    tag: "1"\n`, "", 1),
		"apiVersion: v1\nkind: Secret\nstringData:\n  token: \"c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1\"\nmetadata:\n  name: x\n",
		"env:\n  name: DB_PASSWORD\n  value: \"s3cr3t-Value-123\"\n  description: |\n" + strings.Repeat("    text\n", 10) + "web: {}\n",
		"a:\n- name: API_TOKEN\n  value: \"tok-Abc-123456789\"\nb: 2\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		bs, err := newBlobScanner(reg, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		whole := *bs
		whole.cache = nil
		prev, cur, two := bytes.Cut(data, []byte{0})
		if two {
			if _, _, err := bs.scanSections(ctx, "values.yaml", prev); err != nil {
				t.Fatal(err)
			}
		} else {
			cur = prev
		}
		sectioned, handled, err := bs.scanSections(ctx, "values.yaml", cur)
		if err != nil || !handled {
			return
		}
		full, err := whole.scanWhole(ctx, "values.yaml", gitlog.Blob{Data: cur})
		if err != nil {
			t.Fatal(err)
		}
		if full.skip != scanned {
			t.Fatalf("pieces parsed, but the whole file is malformed: %v", full.err)
		}
		if d := cmp.Diff(render(full), render(sectioned)); d != "" {
			t.Errorf("section scan differs from whole-file scan (-whole +sections):\n%s", d)
		}
	})
}
