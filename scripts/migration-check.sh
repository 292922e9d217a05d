#!/usr/bin/env bash
# `npm run test:migration`: state written by earlier releases, applied by this checkout.
#   0.1.0         (commit 05a3def): no intents yet; runs recorded their request on the first update.
#   0.1.x intents (commit 3f8833b, main before 0.2.0): accounts shared one intent named after the first account,
#                 runs' intents kept their time as `at`, shim texts named the kinds "AccountsIntent" and "Intent".
#   0.2.0 as first landed (commit 2ccf1d6): an intent per account, which did not yet know its account's Talend name.
# For each: build it in a temporary git worktree, apply a program (a TaskRunner with a run, a uniqueSuffix account,
# two more accounts) with it, then preview, up, up, refresh and destroy with this checkout. Fails when the preview
# would replace or delete anything, when a task runs again, an account is created again or anything is deleted
# before destroy, or when destroy leaves anything in Talend. Not part of `npm test` (it installs old releases);
# .ci/run runs it. OLD_COMMITS="05a3def 3f8833b 2ccf1d6" by default.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill ${emu:-0} 2>/dev/null || true; for d in "$work"/old-*; do git -C "$here" worktree remove --force "$d" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
new_bin="$(bash "$here/scripts/ensure-pulumi.sh")"

port=$((20000 + RANDOM % 20000))
(cd "$here" && exec node -e "require('./dist/emulator').startEmulator({ port: $port }).then(() => setInterval(() => {}, 1e6))") &
emu=$!
for _ in $(seq 50); do curl -s "127.0.0.1:$port/_emulator/state" >/dev/null && break; sleep 0.1; done
count() { curl -s "127.0.0.1:$port/_emulator/requests" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const a=JSON.parse(s);console.log(a.filter(r=>r.method===process.argv[1]&&new RegExp(process.argv[2]).test(r.path)).length)})" "$1" "$2"; }
left_in_talend() { curl -s "127.0.0.1:$port/_emulator/state" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const t=JSON.parse(s);console.log(t.serviceAccounts.length+t.workspacePermissions.length)})"; }

migrate_from() {
  local commit="$1" label="$2" old="$work/old-$1" stack="$work/stack-$1"
  git -C "$here" worktree add -q --detach "$old" "$commit"
  (cd "$old" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1)
  # The old checkout's plugin shims point into it; the CLI binary is the same, copied rather than rebuilt.
  mkdir -p "$work/cache-$commit/pulumi-v3.248.0/bin"
  cp "$new_bin/pulumi" "$work/cache-$commit/pulumi-v3.248.0/bin/"
  local old_bin
  old_bin="$(cd "$old" && PULUMI_TALEND_CACHE="$work/cache-$commit" bash scripts/ensure-pulumi.sh)"

  mkdir -p "$stack/state"
  cd "$stack"
  printf 'name: mig\nruntime: nodejs\nmain: index.ts\n' > Pulumi.yaml
  echo '{"name":"mig","private":true}' > package.json
  cat > index.ts <<'P'
import * as talend from "pulumi-talend";
const runner = new talend.TaskRunner("ci", { name: "ci-runner", workspaces: [{ workspace: "ops", environment: "development" }], uniqueSuffix: true });
const seed = runner.run("seed", { task: "seed-database", workspace: "ops", environment: "development", triggers: ["v1"], pollIntervalSeconds: 0.2 });
for (const name of ["etl-a", "etl-b"]) new talend.ServiceAccount(name, { name: `mig-${name}`, permissions: ["TMC_ENGINE_USE"] });
export const status = seed.status;
export const accountName = runner.serviceAccount.accountName;
P
  export PULUMI_BACKEND_URL="file://$stack/state?metadata=skip" PULUMI_CONFIG_PASSPHRASE=migration PULUMI_SKIP_UPDATE_CHECK=true \
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_HOME="$work/home-$commit" NO_COLOR=1 PULUMI_TALEND_RUN_JOURNAL="$work/journal-$commit"
  ln -s "$old/node_modules" node_modules
  p() { PATH="$1:$PATH" pulumi "${@:2}"; }
  p "$old_bin" stack init dev --non-interactive >/dev/null
  p "$old_bin" config set talend:endpoint "http://127.0.0.1:$port"
  p "$old_bin" config set --secret talend:token emulator-admin-pat
  local runs0 creates0 deletes0
  runs0="$(count POST '^/processing/executions$')"; creates0="$(count POST '^/account/service-accounts$')"; deletes0="$(count DELETE '.')"
  p "$old_bin" up --yes --non-interactive --skip-preview >/dev/null
  local name_before runs1 creates1
  name_before="$(p "$old_bin" stack output accountName)"
  runs1="$(count POST '^/processing/executions$')"; creates1="$(count POST '^/account/service-accounts$')"
  echo "$label applied: $((runs1 - runs0)) run, $((creates1 - creates0)) accounts ($name_before, mig-etl-a, mig-etl-b)"

  rm node_modules && ln -s "$here/node_modules" node_modules
  local preview
  preview="$(p "$new_bin" preview --non-interactive --diff)"
  echo "$preview" | grep -E '^\s*[-+~]+ pulumi|to (create|update|replace|delete)' || true
  if echo "$preview" | grep -Eq 'to (replace|delete)|[-+]-replace'; then echo "FAIL ($label): the new version would replace or delete resources"; exit 1; fi
  p "$new_bin" up --yes --non-interactive --skip-preview >/dev/null
  p "$new_bin" up --yes --non-interactive --skip-preview >/dev/null
  p "$new_bin" refresh --yes --non-interactive >/dev/null
  local after
  after="$(p "$new_bin" preview --non-interactive)"
  if ! echo "$after" | grep -Eq '^\s+[0-9]+ unchanged\s*$' || echo "$after" | grep -Eq 'to (create|update|replace|delete)'; then echo "FAIL ($label): the preview after the upgrade is not clean"; echo "$after"; exit 1; fi
  local runs creates deletes name_after
  runs="$(( $(count POST '^/processing/executions$') - runs1 ))"; creates="$(( $(count POST '^/account/service-accounts$') - creates1 ))"; deletes="$(( $(count DELETE '.') - deletes0 ))"
  name_after="$(p "$new_bin" stack output accountName)"
  echo "$label → this version, after two ups and a refresh: $runs run(s), $creates account create(s), $deletes delete(s), account $name_after"
  [ "$runs" = 0 ] && [ "$creates" = 0 ] && [ "$deletes" = 0 ] && [ "$name_before" = "$name_after" ] || { echo "FAIL ($label)"; exit 1; }
  p "$new_bin" destroy --yes --non-interactive >/dev/null
  local left
  left="$(left_in_talend)"
  [ "$left" = 0 ] || { echo "FAIL ($label): destroy left $left objects"; exit 1; }
  echo "migration from $label: OK (no rerun, no recreated account, nothing replaced or deleted; clean preview; destroy leaves Talend empty)"
  cd "$here"
}

for commit in ${OLD_COMMITS:-05a3def 3f8833b 2ccf1d6}; do
  case "$commit" in 05a3def) label="0.1.0" ;; 3f8833b) label="0.1.x with shared account intents" ;; 2ccf1d6) label="0.2.0 as first landed" ;; *) label="$commit" ;; esac
  migrate_from "$commit" "$label"
done
