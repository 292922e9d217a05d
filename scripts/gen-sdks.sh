#!/usr/bin/env bash
# Generates the Python, Go and .NET SDKs (sdks/) from provider/plugin/schema.json with Pulumi's own code generators,
# Go packages from the Go module proxy (tools/gen-sdks): codegen/{go,python} at pkg v3.248.0, codegen/dotnet at
# v3.206.0 (newer pkg versions no longer contain it). The generator binaries are built once per source version into
# ~/.cache/pulumi-talend (GOMODCACHE/GOCACHE shared with the CLI and the YAML host). Usage: gen-sdks.sh [out dir].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/sdks}"
cache="${PULUMI_TALEND_CACHE:-$HOME/.cache/pulumi-talend}/gen-sdks"
mkdir -p "$cache" "$out"
exec 9>"$cache/.lock"
flock 9
build() { # <module dir name> -> prints the binary
  local mod="$here/tools/gen-sdks/$1"
  local key; key="$(cat "$mod"/go.mod "$mod"/main.go | sha256sum | cut -c1-12)"
  local bin="$cache/$1-$key"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || { echo "Go is not installed: cannot build the SDK generators" >&2; exit 1; }
    local start=$SECONDS src="$cache/src-$1"
    rm -rf "$src" && mkdir -p "$src" && cp "$mod"/* "$src/"
    echo "building the SDK generator $1 (first time only)..." >&2
    (cd "$src" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$bin.tmp" .) >&2
    mv "$bin.tmp" "$bin"
    echo "built $1 in $((SECONDS - start)) s" >&2
  fi
  echo "$bin"
}
start=$SECONDS
gen="$(build pkg-v3.248.0)"
dotnet="$(build pkg-v3.206.0)"
"$gen" "$here/provider/plugin/schema.json" "$out"
"$dotnet" "$here/provider/plugin/schema.json" "$out"
echo "generated sdks/{go,python,dotnet} in $((SECONDS - start)) s" >&2
