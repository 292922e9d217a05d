#!/usr/bin/env bash
# Builds the real Pulumi CLI from its Go module (the CLI's own installers download binaries from the
# internet, which this project cannot rely on) and installs the two plugin shims the engine needs:
#   pulumi-language-nodejs        -> tools/language-host.js (our Node.js language host; the official Go
#                                    module for it is not published on the Go module proxy)
#   pulumi-resource-pulumi-nodejs -> the dynamic-provider host of the program's own @pulumi/pulumi, resolved
#                                    from the program directory (where the engine starts it) as the official
#                                    shim does, so an app runs its copy, never this clone's
# Usage: ensure-pulumi.sh [VERSION]   (default: the version of this clone's @pulumi/pulumi devDependency;
# test/compat passes the top of the peer range). Each version is built once outside the clone
# (~/.cache/pulumi-talend/pulumi-vVERSION) because a cold build takes many minutes; all versions share one Go
# module and build cache (GOMODCACHE, GOCACHE), so the second build downloads and compiles only what changed.
# The engine finds the shims next to the `pulumi` it runs (after symlinks are resolved), so each clone gets its
# own bin directory, .pulumi/cli-vVERSION/bin: the cached binary hard-linked (copied across file systems) beside
# shims pointing into this clone. Clones on one machine never repoint each other's shims. Safe to run
# concurrently (a lock per version serializes its build; files are replaced atomically). Prints the bin
# directory to put on PATH; progress and each step's time go to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${1:-$(node -p "require('$here/node_modules/@pulumi/pulumi/package.json').version" 2>/dev/null || echo 3.248.0)}"
root="${PULUMI_TALEND_CACHE:-$HOME/.cache/pulumi-talend}"
cache="$root/pulumi-v$version"
bin="$cache/bin"
mkdir -p "$bin"
exec 9>"$cache/.lock"
flock 9
if [ ! -x "$bin/pulumi" ]; then
  command -v go >/dev/null || { echo "Go is not installed: cannot build the Pulumi CLI" >&2; exit 1; }
  export GOMODCACHE="${GOMODCACHE:-$(go env GOMODCACHE)}" GOCACHE="${GOCACHE:-$(go env GOCACHE)}"
  mkdir -p "$GOMODCACHE" "$GOCACHE"
  # A cold build fills about 5 GB of module and build cache; failing early beats a disk-full half-build.
  need_kb=$((6 * 1024 * 1024))
  free_kb="$(df -Pk "$GOCACHE" | awk 'NR==2 {print $4}')"
  if [ "$free_kb" -lt "$need_kb" ]; then
    echo "not enough free disk to build the Pulumi CLI v$version: $((free_kb / 1024)) MB free under $GOCACHE, 6144 MB needed" >&2
    exit 1
  fi
  step() { # step NAME COMMAND...: runs COMMAND in the module directory and prints how long it took
    local name="$1" started=$SECONDS
    shift
    (cd "$src" && "$@") >&2
    echo "  $name: $((SECONDS - started)) s" >&2
  }
  echo "building the Pulumi CLI v$version from its Go module (first time only; several minutes; GOMODCACHE=$GOMODCACHE GOCACHE=$GOCACHE)..." >&2
  src="$cache/src"
  mkdir -p "$src"
  cat > "$src/go.mod" <<GOMOD
module pulumi-talend/pulumi-cli

go 1.24

require (
	github.com/pulumi/pulumi/pkg/v3 v$version
	github.com/pulumi/pulumi/sdk/v3 v$version
)

// pkg/v3's own non-local replace directive, repeated (a dependency's replace lines do not apply here).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  rm -f "$src/go.sum"
  export GOFLAGS=-mod=mod
  step "resolve and download modules" go list -deps github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >/dev/null
  step "compile" go build -trimpath -o "$bin/pulumi.tmp" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv "$bin/pulumi.tmp" "$bin/pulumi"
fi
# This clone's bin directory: the binary linked in, the shims written, each replaced atomically (other
# processes of this clone may be executing them).
bin="$here/.pulumi/cli-v$version/bin"
mkdir -p "$bin"
if ! [ "$cache/bin/pulumi" -ef "$bin/pulumi" ] && ! cmp -s "$cache/bin/pulumi" "$bin/pulumi"; then
  ln -f "$cache/bin/pulumi" "$bin/pulumi.tmp.$$" 2>/dev/null || cp "$cache/bin/pulumi" "$bin/pulumi.tmp.$$"
  mv "$bin/pulumi.tmp.$$" "$bin/pulumi"
fi
shim() {
  printf '#!/usr/bin/env bash\nexec node "%s" "$@"\n' "$2" > "$bin/$1.tmp.$$"
  chmod +x "$bin/$1.tmp.$$"
  mv "$bin/$1.tmp.$$" "$bin/$1"
}
shim pulumi-language-nodejs "$here/tools/language-host.js"
host="$bin/pulumi-resource-pulumi-nodejs"
cat > "$host.tmp.$$" <<'HOST'
#!/usr/bin/env bash
# Resolved as the program resolves it (Node's lookup from the program directory upward), like the official shim.
script="$(node -e 'console.log(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))' 2>/dev/null)" || {
  echo "pulumi-resource-pulumi-nodejs: no @pulumi/pulumi in $(pwd) or above; run npm install @pulumi/pulumi in the project" >&2
  exit 1
}
exec node "$script" "$@"
HOST
chmod +x "$host.tmp.$$"
mv "$host.tmp.$$" "$host"
echo "$bin"
