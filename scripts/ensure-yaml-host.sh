#!/usr/bin/env bash
# Builds the Pulumi YAML language host (github.com/pulumi/pulumi-yaml v1.25.0, cmd/pulumi-language-yaml) from the Go
# module proxy, once, into the same cache as the CLI (~/.cache/pulumi-talend), and prints the directory holding it
# (put it on PATH beside the CLI's). The module pinned in scripts/yaml-host/ (go.mod, go.sum) uses the pkg/sdk versions
# pulumi-yaml's own go.mod asks for (v3.206.0): it does not compile against v3.248.0. GOMODCACHE and GOCACHE are Go's
# defaults, shared with the CLI's build. Lock-protected: safe to run concurrently.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=1.25.0
cache="${PULUMI_TALEND_CACHE:-$HOME/.cache/pulumi-talend}/pulumi-yaml-v$version"
bin="$cache/bin"
mkdir -p "$bin"
exec 9>"$cache/.lock"
flock 9
if [ ! -x "$bin/pulumi-language-yaml" ]; then
  command -v go >/dev/null || { echo "Go is not installed: cannot build the Pulumi YAML language host" >&2; exit 1; }
  free_kb="$(df -Pk "$(go env GOCACHE | xargs dirname)" | awk 'NR==2 {print $4}')"
  if [ "$free_kb" -lt 3000000 ]; then echo "less than 3 GB free for Go's build cache: not building the YAML host" >&2; exit 1; fi
  echo "building the Pulumi YAML language host v$version from its Go module (first time only; a few minutes)..." >&2
  start=$SECONDS
  src="$cache/src"
  rm -rf "$src" && mkdir -p "$src"
  cp "$here/scripts/yaml-host/go.mod" "$here/scripts/yaml-host/go.sum" "$here/scripts/yaml-host/tools.go" "$src/"
  (cd "$src" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$bin/pulumi-language-yaml.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) >&2
  mv "$bin/pulumi-language-yaml.tmp" "$bin/pulumi-language-yaml"
  echo "built the YAML language host in $((SECONDS - start)) s" >&2
fi
echo "$bin"
