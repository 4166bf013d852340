package chart_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func TestRenderRealChart(t *testing.T) {
	c, err := chart.Load(context.Background(), testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		vals      map[string]any
		wantKinds map[string]int // minimum counts
		wantErr   string
	}{
		{
			name:      "defaults with absent subcharts",
			vals:      map[string]any{},
			wantKinds: map[string]int{"Deployment": 3, "Secret": 3, "StatefulSet": 1},
		},
		{
			name: "external database, kubernetes executor",
			vals: map[string]any{
				"airflow":          map[string]any{"executor": "KubernetesExecutor"},
				"postgresql":       map[string]any{"enabled": false},
				"redis":            map[string]any{"enabled": false},
				"workers":          map[string]any{"enabled": false},
				"flower":           map[string]any{"enabled": false},
				"externalDatabase": map[string]any{"host": "db", "passwordSecret": "db", "passwordSecretKey": "pw"},
			},
			wantKinds: map[string]int{"Deployment": 3, "ConfigMap": 1},
		},
		{
			name:    "template error names the template",
			vals:    map[string]any{"airflow": map[string]any{"users": []any{map[string]any{"username": "x", "role": "Admin"}}}},
			wantErr: "sync",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := c.Render(context.Background(), tt.vals, chart.RenderOptions{Release: "rel", Namespace: "ns"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, yamltree.ErrInvalid) {
					t.Fatalf("want a render error mentioning %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, m := range ms {
				kinds[m.Kind()]++
				if m.Doc.Src.Kind != yamltree.Rendered || !strings.HasPrefix(m.Template, "airflow/templates/") {
					t.Errorf("manifest source %q kind %v", m.Template, m.Doc.Src.Kind)
				}
			}
			for k, n := range tt.wantKinds {
				if kinds[k] < n {
					t.Errorf("rendered %d %s, want at least %d (all: %v)", kinds[k], k, n, kinds)
				}
			}
		})
	}
}
