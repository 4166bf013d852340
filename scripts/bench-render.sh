#!/usr/bin/env bash
# Compares `airlock scan --render` with `helm template` on the real
# airflow-helm chart: both render the same chart with the same values;
# airlock also scans the values and checks the rendered objects.
#
#   scripts/bench-render.sh [VALUES.yaml ...]
#
# Needs hyperfine (apt-get install hyperfine) and builds helm v4.3.2 with
# scripts/testbin.sh. The chart comes from ${AIRLOCK_SHARED:-../shared}.
# `helm template` refuses a chart whose dependencies are not vendored, so
# it gets a copy with empty stand-ins for postgresql and redis (they render
# nothing); airlock renders the unmodified chart.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${AIRLOCK_SHARED:-../shared}
CHART=$SHARED/fixtures/charts/airflow-8.9.0
[[ -f $CHART/Chart.yaml ]] || { echo "chart fixture not found at $CHART (set AIRLOCK_SHARED)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }

values=("$@")
[[ ${#values[@]} -gt 0 ]] || values=(internal/render/testdata/values/01-defaults.yaml internal/render/testdata/values/12-consumption.yaml)

BIN=$(scripts/testbin.sh helm | tail -n1)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/airlock-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

go build -o "$WORK/airlock" ./cmd/airlock
cp -r "$CHART" "$WORK/chart"
for dep in postgresql:8.6.4 redis:10.5.7; do
	mkdir -p "$WORK/chart/charts/${dep%%:*}"
	printf 'apiVersion: v1\nname: %s\nversion: %s\n' "${dep%%:*}" "${dep##*:}" >"$WORK/chart/charts/${dep%%:*}/Chart.yaml"
done

for v in "${values[@]}"; do
	echo "== $v"
	# airlock exits 1 when it has findings: -i keeps hyperfine going.
	hyperfine -N -i --warmup 3 --min-runs 20 --export-csv "$WORK/result.csv" \
		-n "helm template" "$BIN/helm template rel $WORK/chart -n airflow -f $v" \
		-n "airlock scan --render" "$WORK/airlock scan --render --chart $CHART --release rel -n airflow -f $v --format json --output $WORK/out.json"
	# Columns: command,mean,stddev,median,user,system,min,max. On a busy
	# machine the median wall time and the CPU time (user+system) are the
	# steadier figures.
	awk -F, 'NR==2 {hm=$4; hc=$5+$6} NR==3 {am=$4; ac=$5+$6}
		END {printf "ratio airlock/helm: median wall %.2f, CPU (user+sys) %.2f\n", am/hm, ac/hc}' "$WORK/result.csv"
done
