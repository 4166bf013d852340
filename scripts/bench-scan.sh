#!/usr/bin/env bash
# Compare `airlock scan DIR` with `gitleaks dir DIR` on the same generated
# corpus of values files and manifests: wall time (best of N), CPU time and
# peak memory, and the ratio. Needs gitleaks (scripts/testbin.sh gitleaks)
# and GNU time (apt-get install time).
#
#   scripts/bench-scan.sh [FILES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-3000}
runs=${2:-5}
bin=${AIRLOCK_TESTBIN:-$HOME/.cache/airlock/testbin}
gitleaks=$bin/gitleaks
[ -x "$gitleaks" ] || scripts/testbin.sh gitleaks >/dev/null
[ -x /usr/bin/time ] || { echo "bench-scan: needs GNU time (apt-get install time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chart_values=../shared/fixtures/charts/airflow-8.9.0/values.yaml
extra=()
[ -f "$chart_values" ] && extra=(-chart-values "$chart_values")
go run ./scripts/gencorpus -out "$work/corpus" -files "$files" "${extra[@]}"
go build -o "$work/airlock" ./cmd/airlock

# best wall time of $runs, with the CPU time and peak RSS of that run
measure() {
	local name=$1; shift
	local best=""
	for _ in $(seq "$runs"); do
		/usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || true
		read -r wall user sys rss < <(tail -n 1 "$work/t")
		if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then
			best="$wall $(awk "BEGIN{print $user+$sys}") $rss"
		fi
	done
	echo "$best" >"$work/$name"
	read -r wall cpu rss <"$work/$name"
	printf '%-9s wall %6.2fs  cpu %6.2fs  peak RSS %7.1f MB\n' "$name" "$wall" "$cpu" "$(awk "BEGIN{print $rss/1024}")"
}

echo "corpus: $files files, $(du -sh "$work/corpus" | cut -f1); best of $runs runs on $(nproc) cores"
measure airlock "$work/airlock" scan "$work/corpus" --format json --output "$work/airlock.json"
measure gitleaks "$gitleaks" dir "$work/corpus" --no-banner --report-format json --report-path "$work/gitleaks.json" --exit-code 0
read -r aw ac am <"$work/airlock"
read -r gw gc gm <"$work/gitleaks"
awk -v aw="$aw" -v gw="$gw" -v ac="$ac" -v gc="$gc" -v am="$am" -v gm="$gm" 'BEGIN{
	printf "ratio     airlock is %.2fx faster (wall), %.2fx less CPU, %.2fx the peak memory of gitleaks\n", gw/aw, gc/ac, am/gm }'
python3 - "$work/airlock.json" "$work/gitleaks.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["findings"]
g = json.load(open(sys.argv[2]))
print(f"findings  airlock {len(a)} (hardcoded {sum(f['class']=='hardcoded-secret' for f in a)}), gitleaks {len(g)}")
PY
