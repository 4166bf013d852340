package yamltree_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/yamltree"
)

func parse(t *testing.T, src string) *yamltree.File {
	t.Helper()
	f, err := yamltree.Parse(&yamltree.Source{Name: "v.yaml", Kind: yamltree.User}, []byte(src), yamltree.DefaultLimits)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

// scalars maps each scalar's path to "line:col value" over all documents.
func scalars(t *testing.T, f *yamltree.File) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range f.Docs {
		err := yamltree.Walk(d.Root, yamltree.NewBudget(f, yamltree.DefaultLimits), func(c *yamltree.Cursor) bool {
			if c.Node.Kind == yamltree.Scalar {
				k := c.Path.String()
				if d.Index > 0 {
					k = "doc" + string(rune('0'+d.Index)) + ":" + k
				}
				out[k] = posString(c.Node)
			}
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func posString(n *yamltree.Node) string {
	return strings.Join([]string{itoa(n.Pos.Line), itoa(n.Pos.Col), n.Value}, ":")
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[string]string
	}{
		{
			name: "BOM does not shift lines or columns",
			src:  "\ufeffa:\n  b: x\n",
			want: map[string]string{"a.b": "2:6:x"},
		},
		{
			name: "CRLF is one line break",
			src:  "a: 1\r\nb:\r\n  c: secret\r\n",
			want: map[string]string{"a": "1:4:1", "b.c": "3:6:secret"},
		},
		{
			name: "block scalar reports its indicator line",
			src:  "a: |\n  line1\n  line2\nb:\n  - >-\n    folded\n",
			want: map[string]string{"a": "1:4:line1\nline2\n", "b[0]": "5:5:folded"},
		},
		{
			name: "alias reports the anchored scalar",
			src:  "defs:\n  pw: &pw s3cret\nuse: *pw\n",
			want: map[string]string{"defs.pw": "2:7:s3cret", "use": "2:7:s3cret"},
		},
		{
			name: "merge keys: explicit keys win, merged keep their lines",
			src:  "base: &b {user: u, password: p}\nchild:\n  <<: *b\n  user: v\n",
			want: map[string]string{"base.user": "1:17:u", "base.password": "1:30:p", "child.user": "4:9:v", "child.password": "1:30:p"},
		},
		{
			name: "flow styles and non-identifier keys",
			src:  "stringData: {\"client.key\": abc, my-key: [1, two]}\n",
			want: map[string]string{`stringData["client.key"]`: "1:28:abc", `stringData["my-key"][0]`: "1:42:1", `stringData["my-key"][1]`: "1:45:two"},
		},
		{
			name: "every document is kept",
			src:  "a: 1\n---\nb: 2\n",
			want: map[string]string{"a": "1:4:1", "doc1:b": "3:4:2"},
		},
		{
			name: "multi-byte characters count as one column",
			src:  "é: ü\nx: y\n",
			want: map[string]string{`["é"]`: "1:4:ü", "x": "2:4:y"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scalars(t, parse(t, tt.src))); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
		line            int
	}{
		{"unterminated quote", "a:\n  b: \"abc\n  c: [\n", "malformed YAML", 2},
		{"tab indentation", "a:\n\tb: 1\n", "malformed YAML", 2},
		{"binary", "a: 1\n\x00\x01", "binary data", 2},
		{"too deep", strings.Repeat("[", 600) + strings.Repeat("]", 600), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := yamltree.Parse(&yamltree.Source{Name: "bad.yaml"}, []byte(tt.src), yamltree.DefaultLimits)
			var pe *yamltree.Error
			if !errors.As(err, &pe) || !errors.Is(err, yamltree.ErrInvalid) {
				t.Fatalf("want *yamltree.Error wrapping ErrInvalid, got %v", err)
			}
			if !strings.Contains(err.Error(), "bad.yaml") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q should name the file and say %q", err, tt.want)
			}
			if tt.line > 0 && pe.Line != tt.line {
				t.Errorf("line = %d, want %d", pe.Line, tt.line)
			}
		})
	}
}

func TestAliasBombIsRefused(t *testing.T) {
	src := "a: &a [x,x,x,x,x,x,x,x,x]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		src += n + ": &" + n + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n"
		prev = n
	}
	f := parse(t, src)
	err := yamltree.Walk(f.First(), yamltree.NewBudget(f, yamltree.DefaultLimits), func(*yamltree.Cursor) bool { return true })
	if !errors.Is(err, yamltree.ErrExpansion) || !errors.Is(err, yamltree.ErrInvalid) {
		t.Fatalf("want expansion error, got %v", err)
	}
}

func TestPathString(t *testing.T) {
	tests := []struct {
		path yamltree.Path
		want string
	}{
		{yamltree.Path{}.Key("airflow").Key("users").Index(0).Key("password"), "airflow.users[0].password"},
		{yamltree.Path{}.Key("extraManifests").Index(1).Key("stringData").Key("client.key"), `extraManifests[1].stringData["client.key"]`},
		{yamltree.Path{}.Key("airflow").Key("config").Key("AIRFLOW__SMTP__SMTP_PASSWORD"), "airflow.config.AIRFLOW__SMTP__SMTP_PASSWORD"},
		{yamltree.Path{}.Key("a b").Key("x-y"), `["a b"]["x-y"]`},
	}
	for _, tt := range tests {
		if got := tt.path.String(); got != tt.want {
			t.Errorf("String() = %s, want %s", got, tt.want)
		}
		p, err := yamltree.ParsePath(tt.want)
		if err != nil || yamltree.Path(p).String() != tt.want {
			t.Errorf("ParsePath(%s) round trip = %v, %v", tt.want, yamltree.Path(p), err)
		}
	}
}

func TestTruthyFollowsHelm(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"v: true", true}, {"v: false", false}, {"v: yes", true}, {"v: no", false}, {"v: off", false},
		{`v: "false"`, true}, // a quoted string is a non-empty string to Go templates
		{"v: 0", false}, {"v: 1", true}, {`v: ""`, false}, {"v:", false}, {"v: []", false}, {"v: {a: 1}", true},
	}
	for _, tt := range tests {
		if got := parse(t, tt.src).First().Get("v").Truthy(); got != tt.want {
			t.Errorf("%s: Truthy() = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestRecursiveAliasIsRefused(t *testing.T) {
	for _, src := range []string{"a: &x [*x]\n", "a: &x {b: [*x]}\n", "a: &x {<<: *x}\n"} {
		_, err := yamltree.Parse(&yamltree.Source{Name: "r.yaml"}, []byte(src), yamltree.DefaultLimits)
		if !errors.Is(err, yamltree.ErrInvalid) {
			t.Errorf("%q: want a located input error, got %v", src, err)
		}
	}
}
