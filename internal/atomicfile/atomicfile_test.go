package atomicfile_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/airlockhq/airlock/internal/atomicfile"
)

func TestWriteRegularFileAtomicallyWithMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.yaml")
	os.WriteFile(p, []byte("old"), 0o644)
	if err := atomicfile.Write(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	data, _ := os.ReadFile(p)
	if string(data) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", data, st.Mode())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestWriteIntoDevicesAndPipes: -o /dev/null must not replace the device.
// A named pipe stands in for the device: a broken Write must not be able
// to replace the machine's /dev/null while the test runs.
func TestWriteIntoDevicesAndPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no fifo support:", err)
	}
	done := make(chan []byte)
	go func() {
		data, _ := os.ReadFile(fifo)
		done <- data
	}()
	if err := atomicfile.Write(fifo, []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := <-done; string(got) != "report" {
		t.Errorf("read %q from the pipe", got)
	}
	if st, _ := os.Stat(fifo); st.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the pipe was replaced by a regular file")
	}
}
