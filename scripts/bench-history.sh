#!/usr/bin/env bash
# Compares `airlock scan --history` with `gitleaks git` on the same
# generated repository: COMMITS commits on main, each rewriting one of six
# airflow-helm values files, a connection password added every 40 commits
# and removed again later (so both tools have secrets to find, present and
# removed).
#
#   scripts/bench-history.sh [COMMITS] [RUNS]      # defaults: 5000 5
#
# Each run times both tools back to back with /usr/bin/time; the medians
# are reported: wall time and commits per second, CPU time (user+sys, the
# fairer figure on a shared machine), peak RSS, and the ratios. gitleaks
# is taken from ${AIRLOCK_TESTBIN:-$HOME/.cache/airlock/testbin}, built by
# scripts/testbin.sh when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

COMMITS=${1:-5000}
RUNS=${2:-5}
TESTBIN=${AIRLOCK_TESTBIN:-$HOME/.cache/airlock/testbin}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/airlock-bench-history.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		apt-get install -y -qq time >/dev/null
	else
		say "GNU time (/usr/bin/time) is needed: apt-get install time"
		exit 1
	fi
fi
if [[ ! -x $TESTBIN/gitleaks ]]; then
	say "building gitleaks with scripts/testbin.sh"
	scripts/testbin.sh gitleaks >/dev/null
fi

say "building airlock"
go build -trimpath -o "$WORK/airlock" ./cmd/airlock
say "generating a repository with $COMMITS commits"
go run ./internal/gitscan/testdata/genhistory -commits "$COMMITS" "$WORK/repo"

# measure NAME CMD...: one timed run; appends "NAME wall cpu rss" to $WORK/times.
measure() {
	local name=$1
	shift
	local rc=0
	(cd "$WORK/repo" && /usr/bin/time -f '%e %U %S %M' -o "$WORK/t" "$@" >/dev/null 2>&1) || rc=$?
	if [[ $rc -gt 1 ]]; then # both exit 1 when they find secrets
		say "$name failed with exit code $rc"
		exit 1
	fi
	# GNU time puts "Command exited with non-zero status" first: the figures are the last line.
	tail -n 1 "$WORK/t" | awk -v n="$name" '{ printf "%s %s %.2f %d\n", n, $1, $2 + $3, $4 }' >>"$WORK/times"
}

for i in $(seq "$RUNS"); do
	say "run $i of $RUNS"
	measure airlock "$WORK/airlock" scan --history --format json --output "$WORK/airlock.json"
	measure gitleaks "$TESTBIN/gitleaks" git --no-banner --log-level error --report-format json --report-path "$WORK/gitleaks.json" .
done

median() { # NAME COLUMN
	awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$WORK/times" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

a_found=$(grep -c '"ruleId":' "$WORK/airlock.json" || true)
g_found=$(grep -c '"RuleID":' "$WORK/gitleaks.json" || true)
printf '\n%s commits, %s runs each, medians (git %s, %s cores, load %s)\n\n' "$COMMITS" "$RUNS" \
	"$(git --version | awk '{print $3}')" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %9s %12s %9s %13s %12s %9s\n' tool "wall (s)" "commits/s" "CPU (s)" "commits/CPU-s" "peak RSS MB" findings
for t in airlock gitleaks; do
	wall=$(median "$t" 2)
	cpu=$(median "$t" 3)
	rss=$(median "$t" 4)
	found=$a_found
	[[ $t == gitleaks ]] && found=$g_found
	awk -v t="$t" -v w="$wall" -v c="$cpu" -v r="$rss" -v n="$COMMITS" -v f="$found" \
		'BEGIN { printf "%-9s %9.2f %12.0f %9.2f %13.0f %12.1f %9d\n", t, w, n / w, c, n / c, r / 1024, f }'
done
awk -v aw="$(median airlock 2)" -v gw="$(median gitleaks 2)" -v ac="$(median airlock 3)" -v gc="$(median gitleaks 3)" \
	-v ar="$(median airlock 4)" -v gr="$(median gitleaks 4)" \
	'BEGIN { printf "\nairlock vs gitleaks: %.2fx the commits/s (wall), %.2fx (CPU), %.2fx the peak RSS\n", gw / aw, gc / ac, ar / gr }'
