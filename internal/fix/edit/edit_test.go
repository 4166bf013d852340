package edit_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func path(s string) yamltree.Path {
	p, err := yamltree.ParsePath(s)
	if err != nil {
		panic(err)
	}
	return yamltree.Path(p)
}

func envRef(name, secret string) edit.Frag {
	return edit.Map("name", name, "valueFrom", edit.Map("secretKeyRef", edit.Map("name", secret, "key", name)))
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		ops     []edit.Op
		wantErr string // a refusal mentioning this; "" means a golden result
	}{
		{name: "basics", input: "basics.yaml", ops: []edit.Op{
			edit.SetScalar{Path: path("airflow.fernetKey"), Value: ""},
			edit.DeleteKey{Path: path("airflow.config.AIRFLOW__SMTP__SMTP_PASSWORD")},
			&edit.Append{Path: path("airflow.extraEnv"), Items: []edit.Frag{envRef("AIRFLOW__SMTP__SMTP_PASSWORD", "airflow-config-env")}},
			edit.Substitute{Path: path("airflow.connections[0].extra"), Pairs: [][2]string{{"s3cr3t-value", "${AWS_EXTRA}"}}, Want: `{"key": "AKIA", "secret": "${AWS_EXTRA}"}`},
			edit.Merge{Path: path("airflow.usersTemplates"), Value: edit.Map("AWS_EXTRA", edit.Map("kind", "secret", "name", "airflow-connections", "key", "aws-extra"))},
			edit.SetScalar{Path: path("externalDatabase.password"), Value: ""},
			edit.Merge{Path: nil, Value: edit.Map("externalDatabase", edit.Map("passwordSecret", "airflow-database"), "redis", edit.Map("existingSecret", "airflow-redis"))},
		}},
		{name: "crlf", input: "crlf.yaml", ops: []edit.Op{
			edit.SetScalar{Path: path("airflow.fernetKey"), Value: ""},
			edit.ReplaceEntry{Path: path("airflow.extraEnv[0].value"), Key: "valueFrom", Value: edit.Map("secretKeyRef", edit.Map("name", "s", "key", "A"))},
			&edit.Append{Path: path("airflow.extraEnv"), Items: []edit.Frag{envRef("B", "s")}},
		}},
		{name: "bom-unicode", input: "bom-unicode.yaml", ops: []edit.Op{
			edit.SetScalar{Path: path("airflow.fernetKey"), Value: ""},
			edit.SetScalar{Path: path(`airflow["café"]`), Value: "${CAFE}"},
		}},
		{name: "flow", input: "flow.yaml", ops: []edit.Op{
			edit.ReplaceEntry{Path: path("airflow.extraEnv[0].value"), Key: "valueFrom", Value: edit.Map("secretKeyRef", edit.Map("name", "s", "key", "A"))},
			&edit.Append{Path: path("airflow.extraEnv"), Items: []edit.Frag{envRef("B", "s")}},
			edit.SetScalar{Path: path("airflow.users[0].password"), Value: "${ADMIN_PASSWORD}"},
			edit.Merge{Path: path("airflow.usersTemplates"), Value: edit.Map("ADMIN_PASSWORD", edit.Map("kind", "secret", "name", "u", "key", "admin-password"))},
		}},
		{name: "empty", input: "empty.yaml", ops: []edit.Op{
			edit.Merge{Path: nil, Value: edit.Map("airflow", edit.Map("fernetKey", "", "extraEnv", edit.Seq(envRef("A", "s"))))},
		}},
		{name: "only-key", input: "only-key.yaml", ops: []edit.Op{
			edit.DeleteKey{Path: path("airflow.config.AIRFLOW__SMTP__SMTP_PASSWORD")},
		}},
		{name: "multi-doc", input: "multi-doc.yaml", ops: []edit.Op{
			edit.SetScalar{Path: path("airflow.fernetKey"), Value: ""},
		}},
		{name: "aliased anchor", input: "aliased.yaml", wantErr: "aliased.yaml:2: the value anchored as &pw is also used through an alias",
			ops: []edit.Op{edit.SetScalar{Path: path("externalDatabase.password"), Value: ""}}},
		{name: "through a merge key", input: "merge-key.yaml", wantErr: "merge-key.yaml:4: externalDatabase.password comes from a << merge key",
			ops: []edit.Op{edit.SetScalar{Path: path("externalDatabase.password"), Value: ""}}},
		{name: "multi-line plain scalar", input: "multiline-plain.yaml", wantErr: "multiline-plain.yaml:2: line 2: a plain scalar that spans several lines",
			ops: []edit.Op{edit.SetScalar{Path: path("externalDatabase.password"), Value: ""}}},
		{name: "delete in a flow mapping", input: "flow-delete.yaml", wantErr: "flow-delete.yaml:2: airflow.config.SECRET is in a flow mapping",
			ops: []edit.Op{edit.DeleteKey{Path: path("airflow.config.SECRET")}}},
		{name: "missing scalar", input: "multi-doc.yaml", wantErr: "is not a scalar in this file",
			ops: []edit.Op{edit.SetScalar{Path: path("airflow.nope"), Value: ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.input))
			if err != nil {
				t.Fatal(err)
			}
			orig := append([]byte(nil), in...)
			d, err := edit.Parse(tt.input, in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := d.Apply(tt.ops)
			if string(in) != string(orig) {
				t.Fatal("Apply modified its input")
			}
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, edit.ErrRefused) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("want a refusal containing %q, got %v", tt.wantErr, err)
				}
				if out != nil {
					t.Fatal("a refusal returned output")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(tt.input, ".yaml")+".golden")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), string(out)); d != "" {
				t.Errorf("result differs from %s (-want +got):\n%s", golden, d)
			}
		})
	}
}
