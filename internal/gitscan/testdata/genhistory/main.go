// Command genhistory writes a synthetic repository for benchmarks: a long
// history of commits that rewrite Helm values files, some adding secrets
// that later commits remove. scripts/bench-history.sh runs it.
//
//	go run ./internal/gitscan/testdata/genhistory -commits 5000 -files 6 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
)

func main() {
	var s gittest.Synthetic
	flag.IntVar(&s.Commits, "commits", 5000, "commits to create")
	flag.IntVar(&s.Files, "files", 6, "values files the commits rewrite in turn")
	flag.IntVar(&s.SecretEvery, "secret-every", 40, "add a secret every N commits")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genhistory [flags] DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(flag.Arg(0), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := gittest.Import(flag.Arg(0), s.WriteFastImport); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
