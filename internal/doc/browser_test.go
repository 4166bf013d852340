package doc_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/airlockhq/airlock/internal/doc"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// chromium finds the Debian chromium binary. The test may skip without it
// only when AIRLOCK_REQUIRE_CHROMIUM is not 1 (CI sets it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("AIRLOCK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("AIRLOCK_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium not found (apt-get install -y chromium)")
	}
	t.Skip("chromium not found: set AIRLOCK_REQUIRE_CHROMIUM=1 to make this a failure")
	return ""
}

// box is a laid-out diagram node as the browser sees it.
type box struct {
	ID     string  `json:"id"`
	Column string  `json:"column"`
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
}

// TestHTMLInBrowser opens a generated HTML document in headless Chromium
// from a file:// URL: the diagram must be drawn (every graph node is an
// SVG box with a size, columns left to right), and the page must not try
// to load anything. A screenshot is saved for a person to look at.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	chart := testfixture.ChartDir(t)
	d, err := doc.Build(context.Background(), doc.Options{Values: []string{"testdata/06-rbac-gitsync/values.yaml"}, Chart: chart})
	if err != nil {
		t.Fatal(err)
	}
	out, err := doc.Render(d, doc.HTML)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "secrets.html")
	if err := os.WriteFile(page, out, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.WindowSize(1400, 2000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	var mu sync.Mutex
	var requests []string
	record := func(ev any) {
		var url string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			url = e.Request.URL
		case network.EventRequestWillBeSent:
			url = e.Request.URL
		default:
			return
		}
		mu.Lock()
		requests = append(requests, url)
		mu.Unlock()
	}
	if err := chromedp.Listen(ctx, record); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitVisible(chromedp.CSS("svg.flow"))); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := chromedp.Run(ctx, chromedp.Evaluate[[]box](`[...document.querySelectorAll("svg.flow g.node")].map(g => { const r = g.getBoundingClientRect();
		return {id: g.dataset.id, column: g.dataset.column, x: r.x, y: r.y, w: r.width, h: r.height}; })`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "secrets.png")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", png)
	if keep := os.Getenv("AIRLOCK_DOC_SCREENSHOT"); keep != "" {
		// A copy that outlives the test, for a person to look at.
		if err := os.WriteFile(keep, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkLayout(t, d, boxes)
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s: the HTML must be self-contained", u)
		}
	}
	if len(requests) == 0 {
		t.Error("no request seen at all: the network listener is not working")
	}
	if title != d.Title {
		t.Errorf("title %q, want %q", title, d.Title)
	}
}

func checkLayout(t *testing.T, d *doc.Document, boxes []box) {
	t.Helper()
	if len(boxes) != len(d.Graph.Nodes) {
		t.Fatalf("browser shows %d diagram nodes, graph has %d", len(boxes), len(d.Graph.Nodes))
	}
	right := map[string]float64{}
	for _, b := range boxes {
		if b.W < 50 || b.H < 20 {
			t.Errorf("node %s is %gx%g: not laid out", b.ID, b.W, b.H)
		}
		right[b.Column] = max(right[b.Column], b.X+b.W)
	}
	for _, b := range boxes {
		if b.Column != "0" && b.X < right[prev(b.Column)] {
			t.Errorf("node %s (column %s) starts at x=%g, left of the previous column's right edge %g", b.ID, b.Column, b.X, right[prev(b.Column)])
		}
	}
	for i, a := range boxes {
		for _, b := range boxes[i+1:] {
			if a.Column == b.Column && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				t.Errorf("nodes %s and %s overlap", a.ID, b.ID)
			}
		}
	}
}

func prev(col string) string { return map[string]string{"1": "0", "2": "1"}[col] }
