package auditor_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	rspb "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/testcluster"
	"github.com/airlockhq/airlock/internal/testfixture"
)

const (
	scaleSecrets   = 1000
	scaleRevisions = 50
)

var (
	scaleOnce sync.Once
	scaleNS   string
)

// scaleNamespace holds 1,000 Secrets and a release with 50 revisions.
// Revision 1 is a real Helm install of the real chart; revisions 2-50 are
// copies written through Helm's own storage driver (an upgrade per
// revision would only slow the setup down), every fifth with a plaintext
// database password.
func scaleNamespace(t testing.TB) string {
	t.Helper()
	scaleOnce.Do(func() {
		cs, _ := clients(t)
		ns := newNamespace(t, cs, "scale")
		helmDeploy(t, ns, "airflow", "secret", airflowValues(""))
		d := driver.NewSecrets(cs.CoreV1().Secrets(ns))
		r, err := d.Get("sh.helm.release.v1.airflow.v1")
		if err != nil {
			t.Fatal(err)
		}
		first := r.(*rspb.Release)
		first.Info.Status = "superseded"
		if err := d.Update("sh.helm.release.v1.airflow.v1", first); err != nil {
			t.Fatal(err)
		}
		for v := 2; v <= scaleRevisions; v++ {
			rel := *first
			info := *first.Info
			rel.Info, rel.Version = &info, v
			rel.Config = airflowValues("")
			if v%5 == 0 {
				rel.Config = airflowValues(fmt.Sprintf("Plain-Pass-%04d-x", v))
			}
			if v == scaleRevisions {
				info.Status = "deployed"
			}
			if err := d.Create(fmt.Sprintf("sh.helm.release.v1.airflow.v%d", v), &rel); err != nil {
				t.Fatal(err)
			}
		}
		createMany(t, cs, ns, scaleSecrets)
		scaleNS = ns
	})
	if scaleNS == "" {
		t.Fatal("scale namespace setup failed earlier")
	}
	return scaleNS
}

func createMany(t testing.TB, cs kubernetes.Interface, ns string, n int) {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	work := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("app-%04d", i), Labels: map[string]string{"team": "data"}},
					Data: map[string][]byte{"password": []byte(fmt.Sprintf("pw-%d-%x", i, i*7919)), "username": []byte("svc"), "ca.crt": make([]byte, 1200)}}
				if _, err := cs.CoreV1().Secrets(ns).Create(bg, s, metav1.CreateOptions{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// BenchmarkAuditScale audits the scale namespace in-process:
//
//	go test ./internal/audit/auditor -run '^$' -bench AuditScale -benchmem
func BenchmarkAuditScale(b *testing.B) {
	ns := scaleNamespace(b)
	c := auditClient(b, testcluster.Admin)
	o := auditor.Options{Namespaces: []string{ns}, Registry: registry(b)}
	for b.Loop() {
		res, err := auditor.Run(bg, c, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Releases) != 1 || res.Releases[0].Revisions != scaleRevisions {
			b.Fatalf("releases: %+v", res.Releases)
		}
	}
}

// TestScaleFigures runs the airlock binary against the scale namespace
// and logs its wall time and peak RSS. It measures, it does not judge
// (timings depend on the machine): run it on purpose with
//
//	AIRLOCK_SCALE=1 go test ./internal/audit/auditor -run ScaleFigures -v
func TestScaleFigures(t *testing.T) {
	if os.Getenv("AIRLOCK_SCALE") != "1" {
		t.Skip("set AIRLOCK_SCALE=1 to measure the 1,000-Secret, 50-revision audit")
	}
	ns := scaleNamespace(t)
	bin := os.Getenv("AIRLOCK_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "airlock")
		build := exec.Command("go", "build", "-o", bin, "./cmd/airlock")
		build.Dir = testfixture.Root()
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	out := filepath.Join(t.TempDir(), "audit.json")
	cmd := exec.Command(bin, "audit", "--kubeconfig", kube.Kubeconfig(testcluster.Admin), "-n", ns, "--no-config", "--format", "json", "-o", out)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit %d (%v), want 1 (findings)", code, err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			RuleID  string `json:"ruleId"`
			Release *struct {
				Revisions []struct{ Revision int } `json:"revisions"`
			} `json:"release"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	leaks := 0
	for _, f := range rep.Findings {
		if f.RuleID == "database-password" && f.Release != nil && len(f.Release.Revisions) == 1 && f.Release.Revisions[0].Revision%5 == 0 {
			leaks++
		}
	}
	if leaks != scaleRevisions/5 {
		t.Errorf("found %d of the %d distinct plaintext passwords in the history", leaks, scaleRevisions/5)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	t.Logf("audit of %d Secrets and %d release revisions: wall %s, peak RSS %d MiB, user CPU %s, system CPU %s",
		scaleSecrets, scaleRevisions, wall.Round(time.Millisecond), ru.Maxrss/1024,
		time.Duration(ru.Utime.Nano()).Round(time.Millisecond), time.Duration(ru.Stime.Nano()).Round(time.Millisecond))
}
