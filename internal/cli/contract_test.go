package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/cli"
	"github.com/airlockhq/airlock/internal/testfixture"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sarifLog is the part of SARIF the scan contract specifies.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Results []struct {
			RuleID    string `json:"ruleId"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          struct {
				ValuesPath string `json:"valuesPath"`
				Class      string `json:"class"`
			} `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// TestScanContract drives `airlock scan` exactly as the scan contract's
// scorer does (from inside the folder, SARIF to a file, the real chart)
// and compares the results with golden summaries.
func TestScanContract(t *testing.T) {
	chartDir, err := filepath.Abs(testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob("testdata/contract/*")
	if err != nil || len(dirs) < 10 {
		t.Fatalf("want at least 10 contract cases, got %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			abs, _ := filepath.Abs(dir)
			argsText, err := os.ReadFile(filepath.Join(abs, "args"))
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out.sarif")
			t.Chdir(abs)
			args := append([]string{"scan", "--format", "sarif", "--output", out, "--chart", chartDir}, strings.Fields(string(argsText))...)
			code, _, stderr := run(t, args...)
			log := readSARIF(t, out)
			got := summarize(t, log)
			if want := map[bool]int{true: 1, false: 0}[len(got) > 0]; code != want {
				t.Errorf("exit code %d with %d results, want %d (stderr %q)", code, len(got), want, stderr)
			}
			golden(t, filepath.Join(abs, "want.golden"), strings.Join(got, "\n")+"\n")
		})
	}
}

func readSARIF(t *testing.T, path string) sarifLog {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no SARIF written: %v", err)
	}
	var log sarifLog
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("want one SARIF 2.1.0 run, got version %q with %d runs", log.Version, len(log.Runs))
	}
	return log
}

// summarize checks the contract's per-result invariants and renders each
// result as "file:line class path [rule]" (or "- class path [rule]").
func summarize(t *testing.T, log sarifLog) []string {
	t.Helper()
	var lines []string
	for _, r := range log.Runs[0].Results {
		p := r.Properties
		if p.ValuesPath == "" || (p.Class != "hardcoded-secret" && p.Class != "insecure-default") {
			t.Errorf("result %s lacks valuesPath or class: %+v", r.RuleID, p)
		}
		if len(r.PartialFingerprints) == 0 {
			t.Errorf("result %s has no partialFingerprints", r.RuleID)
		}
		if len(r.Locations) == 0 {
			if p.Class != "insecure-default" {
				t.Errorf("unlocated result %s must be an inherited insecure default", p.ValuesPath)
			}
			lines = append(lines, fmt.Sprintf("- %s %s [%s]", p.Class, p.ValuesPath, r.RuleID))
			continue
		}
		l := r.Locations[0].PhysicalLocation
		if l.Region.StartLine < 1 {
			t.Errorf("result %s has no start line", p.ValuesPath)
		}
		lines = append(lines, fmt.Sprintf("%s:%d %s %s [%s]", l.ArtifactLocation.URI, l.Region.StartLine, p.Class, p.ValuesPath, r.RuleID))
	}
	sort.Strings(lines)
	return lines
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden %s (run go test -update): %v", path, err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
