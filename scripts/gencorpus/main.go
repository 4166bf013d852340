// Command gencorpus writes a large, deterministic corpus of realistic
// airflow-helm values files and Kubernetes manifests (with a known share of
// planted secrets) for benchmarking airlock against other scanners.
//
//	go run ./scripts/gencorpus -out DIR -files 3000 [-chart-values PATH]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/airlockhq/airlock/internal/benchcorpus"
)

func main() {
	out := flag.String("out", "", "output directory (created)")
	n := flag.Int("files", 3000, "number of files")
	chartValues := flag.String("chart-values", "", "a chart values.yaml to include as large files (optional)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		os.Exit(2)
	}
	var big []byte
	if *chartValues != "" {
		var err error
		if big, err = os.ReadFile(*chartValues); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(2)
		}
	}
	total, err := benchcorpus.Generate(*out, *n, big, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("gencorpus: %d files, %.1f MB in %s\n", *n, float64(total)/1e6, *out)
}
