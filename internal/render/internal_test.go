package render

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func TestAbsentSubcharts(t *testing.T) {
	c, err := chart.Load(context.Background(), testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		release string
		vals    map[string]any
		want    []Provided
	}{
		{name: "defaults", release: "rel", vals: map[string]any{},
			want: []Provided{{Name: "rel-postgresql", By: "postgresql"}, {Name: "rel-redis", By: "redis"}}},
		{name: "disabled by condition", release: "rel", vals: map[string]any{"postgresql": map[string]any{"enabled": false}},
			want: []Provided{{Name: "rel-redis", By: "redis"}}},
		{name: "overrides", release: "rel", vals: map[string]any{
			"postgresql": map[string]any{"fullnameOverride": "pg-main"},
			"redis":      map[string]any{"nameOverride": "cache"},
		}, want: []Provided{{Name: "pg-main", By: "postgresql"}, {Name: "rel-cache", By: "redis"}}},
		{name: "release contains the chart name", release: "my-redis-stack", vals: map[string]any{"postgresql": map[string]any{"enabled": false}},
			want: []Provided{{Name: "my-redis-stack", By: "redis"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := absentSubcharts(c, tt.vals, tt.release)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	vals := map[string]any{"a": map[string]any{"on": true, "off": false, "str": "true"}}
	tests := []struct {
		condition string
		want      bool
	}{
		{"a.on", true},
		{"a.off", false},
		{"a.missing,a.off", false},
		{"a.str", true}, // not a boolean: ignored, so enabled
		{"", true},
		{"x.y.z", true},
	}
	for _, tt := range tests {
		if got := enabled(vals, tt.condition); got != tt.want {
			t.Errorf("enabled(%q) = %v, want %v", tt.condition, got, tt.want)
		}
	}
}

const traceValues = `externalDatabase:
  passwordSecret: airflow-db
  user: airflow-db
airflow:
  config:
    AIRFLOW__SMTP__SMTP_PASSWORD: "Mailgun-Pa55word"
  connections:
    - id: x
      extra: '{"token": "tok-0123456789abcdef"}'
  users:
    - username: admin
      password: admin
`

func TestTracer(t *testing.T) {
	user, err := yamltree.Parse(&yamltree.Source{Name: "values.yaml", Kind: yamltree.User}, []byte(traceValues), yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := yamltree.Parse(&yamltree.Source{Name: "chart/values.yaml", Kind: yamltree.ChartDefault}, []byte("airflow:\n  fernetKey: default-fernet-key\n"), yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	known := []finding.Finding{{Path: "airflow.users[0].password", Loc: finding.Location{File: "values.yaml", Line: 12, Col: 17}}}
	tr, err := newTracer([]*yamltree.File{user}, defaults, known)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		lookup    func() (origin, bool)
		wantPath  string
		wantUser  bool
		wantKnown bool
	}{
		{name: "exact secret", lookup: func() (origin, bool) { return tr.secret("Mailgun-Pa55word") },
			wantPath: "airflow.config.AIRFLOW__SMTP__SMTP_PASSWORD", wantUser: true},
		{name: "secret inside a longer value", lookup: func() (origin, bool) { return tr.secret("tok-0123456789abcdef") },
			wantPath: "airflow.connections[0].extra", wantUser: true},
		{name: "known finding wins among equal values", lookup: func() (origin, bool) { return tr.secret("admin") },
			wantPath: "airflow.users[0].password", wantUser: true, wantKnown: true},
		{name: "chart default", lookup: func() (origin, bool) { return tr.secret("default-fernet-key") },
			wantPath: "airflow.fernetKey"},
		{name: "a name traces to the reference key, not the username", lookup: func() (origin, bool) { return tr.name("airflow-db", false) },
			wantPath: "externalDatabase.passwordSecret", wantUser: true},
		{name: "short secrets are not traced by containment", lookup: func() (origin, bool) { return tr.secret("Pa55") }},
		{name: "unknown name", lookup: func() (origin, bool) { return tr.name("nowhere", false) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := tt.lookup()
			if ok != (tt.wantPath != "") {
				t.Fatalf("found %v, want %v", ok, tt.wantPath != "")
			}
			if !ok {
				return
			}
			got := []any{o.path.String(), o.user(), tr.isKnown(o)}
			if diff := cmp.Diff([]any{tt.wantPath, tt.wantUser, tt.wantKnown}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
