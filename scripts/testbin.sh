#!/usr/bin/env bash
# Builds the third-party server binaries that the integration tests and
# benchmarks need (etcd, kube-apiserver, vault, gitleaks, helm) from their Go
# modules, into a cache directory outside the repository.
#
#   scripts/testbin.sh                 # build every binary that is missing
#   scripts/testbin.sh etcd vault      # build only these
#   BIN=$(scripts/testbin.sh etcd kube-apiserver)   # last stdout line = directory
#
# Output directory: ${AIRLOCK_TESTBIN:-$HOME/.cache/airlock/testbin}.
# A binary is built only when it is absent, or when its pinned version
# (recorded in .NAME.version beside it) differs from the one below, so CI
# re-runs are cheap. Each build is done in a throw-away wrapper module created
# in a temp dir (some modules' @v/list is refused by the proxy, so
# `go install X@latest` cannot be used; an exact `require` works).
# Build logs: ${AIRLOCK_TESTBIN_LOGS:-${TMPDIR:-/tmp}}/airlock-testbin-NAME.log.
# Build times measured on a 2-core machine whose Go caches were partly warm:
# gitleaks ~30 s, etcd ~30 s, kube-apiserver ~4.5 min, vault ~9.5 min;
# expect more on a fresh machine (downloads, cold build cache).
set -euo pipefail

ETCD_VERSION=${ETCD_VERSION:-v3.6.16}
KUBE_VERSION=${KUBE_VERSION:-v1.37.2}
VAULT_VERSION=${VAULT_VERSION:-v1.21.0}
GITLEAKS_VERSION=${GITLEAKS_VERSION:-v8.30.1}
HELM_VERSION=${HELM_VERSION:-v4.3.2}

ALL=(etcd kube-apiserver vault gitleaks helm)
OUT=${AIRLOCK_TESTBIN:-$HOME/.cache/airlock/testbin}
LOGDIR=${AIRLOCK_TESTBIN_LOGS:-${TMPDIR:-/tmp}}

export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export GOWORK=off
export CGO_ENABLED=0
export GOFLAGS=-mod=mod

say() { printf 'testbin: %s\n' "$*" >&2; }

command -v go >/dev/null || { say "go not found in PATH"; exit 1; }
mkdir -p "$OUT" "$LOGDIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/airlock-testbin.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Path of a module version's go.mod file in the module cache (downloads it).
gomod_file() {
	go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}

# Commit time of a module version, used as a reproducible build date.
mod_time() {
	go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' "$1@$2"
}

# new_wrapper NAME: creates an empty wrapper module and prints its directory.
new_wrapper() {
	local dir="$WORK/$1"
	mkdir -p "$dir"
	printf 'module airlock.local/testbin/%s\n\ngo 1.26.0\n' "$1" >"$dir/go.mod"
	printf '%s\n' "$dir"
}

# gobuild DIR OUTFILE PKG [go build flags...]
gobuild() {
	local dir=$1 outfile=$2 pkg=$3
	shift 3
	(cd "$dir" && nice -n 10 go build -trimpath -o "$outfile" "$@" "$pkg")
}

build_etcd() { # $1 = output file
	local v=$ETCD_VERSION dir
	dir=$(new_wrapper etcd)
	cat >>"$dir/go.mod" <<EOF

require (
	go.etcd.io/etcd/api/v3 $v
	go.etcd.io/etcd/client/pkg/v3 $v
	go.etcd.io/etcd/client/v3 $v
	go.etcd.io/etcd/pkg/v3 $v
	go.etcd.io/etcd/server/v3 $v
)
EOF
	# go.etcd.io/etcd/server/v3 is itself the etcd main package
	# (server/main.go calls etcdmain.Main); the go.etcd.io/etcd/v3 root
	# module is not served.
	gobuild "$dir" "$1" go.etcd.io/etcd/server/v3 -ldflags='-s -w'
}

build_kube-apiserver() {
	local v=$KUBE_VERSION sv="v0.${KUBE_VERSION#v1.}" dir gomod mods m date minor
	gomod=$(gomod_file k8s.io/kubernetes "$v")
	[[ -n $gomod ]] || { say "cannot read go.mod of k8s.io/kubernetes@$v"; return 1; }
	# k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at
	# v0.0.0 with local replaces; point each at the published v0.X.Y.
	mods=$(awk '$2 == "v0.0.0" && $1 ~ /^k8s\.io\// { print $1 }' "$gomod" | sort -u)
	[[ -n $mods ]] || { say "no k8s.io/* v0.0.0 requirements found in $gomod"; return 1; }
	dir=$(new_wrapper kube-apiserver)
	{
		printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$v"
		for m in $mods; do printf '\t%s => %s %s\n' "$m" "$m" "$sv"; done
		printf ')\n'
	} >>"$dir/go.mod"
	date=$(mod_time k8s.io/kubernetes "$v")
	minor=${v#v1.}
	minor=${minor%%.*}
	local p=k8s.io/component-base/version
	gobuild "$dir" "$1" k8s.io/kubernetes/cmd/kube-apiserver -ldflags="-s -w \
-X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor \
-X $p.gitTreeState=clean -X $p.buildDate=$date"
}

build_vault() {
	local v=$VAULT_VERSION dir gomod date
	gomod=$(gomod_file github.com/hashicorp/vault "$v")
	[[ -n $gomod ]] || { say "cannot read go.mod of github.com/hashicorp/vault@$v"; return 1; }
	dir=$(new_wrapper vault)
	printf '\nrequire github.com/hashicorp/vault %s\n\n' "$v" >>"$dir/go.mod"
	# Copy vault's replace directives except the local ones (./api, ./sdk):
	# the api and sdk versions vault requires are published for .0 releases.
	awk '
		/^replace[[:space:]]*\(/ { blk = 1; next }
		blk && /^[[:space:]]*\)/ { blk = 0; next }
		blk || /^replace[[:space:]]/ {
			line = $0
			sub(/^replace[[:space:]]+/, "", line)
			sub(/[[:space:]]*\/\/.*$/, "", line)
			split(line, lr, "=>")
			rhs = lr[2]
			sub(/^[[:space:]]+/, "", rhs)
			if (rhs == "" || rhs ~ /^(\.|\/)/) next
			print "replace " line
		}' "$gomod" >>"$dir/go.mod"
	date=$(mod_time github.com/hashicorp/vault "$v")
	gobuild "$dir" "$1" github.com/hashicorp/vault -ldflags="-s -w \
-X github.com/hashicorp/vault/version.BuildDate=$date"
}

build_gitleaks() {
	local v=$GITLEAKS_VERSION dir
	dir=$(new_wrapper gitleaks)
	printf '\nrequire github.com/zricethezav/gitleaks/v8 %s\n' "$v" >>"$dir/go.mod"
	# Same tag and version stamp as gitleaks' own release builds.
	gobuild "$dir" "$1" github.com/zricethezav/gitleaks/v8 -tags=gore2regex \
		-ldflags="-s -w -X=github.com/zricethezav/gitleaks/v8/version.Version=${v#v}"
}

build_helm() {
	local v=$HELM_VERSION dir gomod
	gomod=$(gomod_file helm.sh/helm/v4 "$v")
	[[ -n $gomod ]] || { say "cannot read go.mod of helm.sh/helm/v4@$v"; return 1; }
	dir=$(new_wrapper helm)
	printf '\nrequire helm.sh/helm/v4 %s\n' "$v" >>"$dir/go.mod"
	# Keep helm's own replace directives, as its release builds do.
	awk '/^replace[[:space:]]/ { print }' "$gomod" >>"$dir/go.mod"
	# Same version stamp as helm's release builds (`helm version`).
	gobuild "$dir" "$1" helm.sh/helm/v4/cmd/helm \
		-ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$v"
}

version_of() {
	case $1 in
	etcd) echo "$ETCD_VERSION" ;;
	kube-apiserver) echo "$KUBE_VERSION" ;;
	vault) echo "$VAULT_VERSION" ;;
	gitleaks) echo "$GITLEAKS_VERSION" ;;
	helm) echo "$HELM_VERSION" ;;
	esac
}

check() { # NAME BINARY: prints the binary's version line; fails if it does not run
	case $1 in
	etcd) "$2" --version ;;
	kube-apiserver) "$2" --version ;;
	vault) "$2" version ;;
	gitleaks) "$2" version ;;
	helm) "$2" version --short ;;
	esac
}

names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${ALL[@]}")
for name in "${names[@]}"; do
	[[ " ${ALL[*]} " == *" $name "* ]] || { say "unknown binary '$name' (known: ${ALL[*]})"; exit 2; }
done

for name in "${names[@]}"; do
	ver=$(version_of "$name")
	bin=$OUT/$name
	stamp=$OUT/.$name.version
	if [[ -x $bin && -f $stamp && $(<"$stamp") == "$ver" ]]; then
		say "$name $ver: cached"
		continue
	fi
	log=$LOGDIR/airlock-testbin-$name.log
	tmp=$OUT/.$name.tmp.$$
	say "$name $ver: building (log: $log)"
	start=$SECONDS
	# set -e is ignored inside an `if` or `||` condition, so run the build in
	# a subshell with errexit on and collect its status afterwards.
	set +e
	(set -e; "build_$name" "$tmp") >"$log" 2>&1
	rc=$?
	set -e
	if [[ $rc -ne 0 ]]; then
		rm -f "$tmp"
		say "$name $ver: build FAILED after $((SECONDS - start))s; last lines of $log:"
		tail -n 30 "$log" >&2
		exit 1
	fi
	if ! out=$(check "$name" "$tmp" 2>&1); then
		rm -f "$tmp"
		say "$name $ver: built binary does not run: $out"
		exit 1
	fi
	mv -f "$tmp" "$bin"
	printf '%s\n' "$ver" >"$stamp"
	say "$name $ver: built in $((SECONDS - start))s: $(head -n1 <<<"$out")"
done

printf '%s\n' "$OUT"
