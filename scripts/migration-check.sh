#!/usr/bin/env bash
# `npm run test:migration`: state written by pulumi-talend 0.1.0 (commit 05a3def) applied by this version.
# Builds 0.1.0 in a temporary git worktree, applies a TaskRunner with a run and a uniqueSuffix account with it,
# then previews, applies and destroys with this checkout: no task runs again, no account is recreated, nothing
# is deleted before destroy. Exits non-zero on any difference. Not part of `npm test` (it installs 0.1.0).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
old_commit="${OLD_COMMIT:-05a3def}"
work="$(mktemp -d)"
trap 'kill ${emu:-0} 2>/dev/null || true; git -C "$here" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add -q --detach "$work/old" "$old_commit"
(cd "$work/old" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1)
mkdir -p "$work/cache-old/pulumi-v3.248.0/bin"
new_bin="$(bash "$here/scripts/ensure-pulumi.sh")"
cp "$new_bin/pulumi" "$work/cache-old/pulumi-v3.248.0/bin/"
old_bin="$(cd "$work/old" && PULUMI_TALEND_CACHE="$work/cache-old" bash scripts/ensure-pulumi.sh)"
new_bin="$(bash "$here/scripts/ensure-pulumi.sh")" # the shims point at this checkout again

port=$((20000 + RANDOM % 20000))
(cd "$here" && exec node -e "require('./dist/emulator').startEmulator({ port: $port }).then(() => setInterval(() => {}, 1e6))") &
emu=$!
sleep 2
requests() { curl -s "127.0.0.1:$port/_emulator/requests" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const a=JSON.parse(s);console.log(a.filter(r=>r.method===process.argv[1]&&new RegExp(process.argv[2]).test(r.path)).length)})" "$1" "$2"; }

mkdir -p "$work/stack/state"
cd "$work/stack"
printf 'name: mig\nruntime: nodejs\nmain: index.ts\n' > Pulumi.yaml
echo '{"name":"mig","private":true}' > package.json
cat > index.ts <<'P'
import * as talend from "pulumi-talend";
const runner = new talend.TaskRunner("ci", { name: "ci-runner", workspaces: [{ workspace: "ops", environment: "development" }], uniqueSuffix: true });
const seed = runner.run("seed", { task: "seed-database", workspace: "ops", environment: "development", triggers: ["v1"], pollIntervalSeconds: 0.2 });
export const status = seed.status;
export const accountName = runner.serviceAccount.accountName;
P
export PULUMI_BACKEND_URL="file://$work/stack/state?metadata=skip" PULUMI_CONFIG_PASSPHRASE=migration PULUMI_SKIP_UPDATE_CHECK=true \
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_HOME="$work/home" NO_COLOR=1 PULUMI_TALEND_RUN_JOURNAL="$work/journal"
ln -s "$work/old/node_modules" node_modules
p() { PATH="$1:$PATH" pulumi "${@:2}"; }
p "$old_bin" stack init dev --non-interactive >/dev/null
p "$old_bin" config set talend:endpoint "http://127.0.0.1:$port"
p "$old_bin" config set --secret talend:token emulator-admin-pat
p "$old_bin" up --yes --non-interactive --skip-preview >/dev/null
name_before="$(p "$old_bin" stack output accountName)"
echo "0.1.0 applied: $(requests POST '^/processing/executions$') run, account $name_before"

rm node_modules && ln -s "$here/node_modules" node_modules
preview="$(p "$new_bin" preview --non-interactive --diff)"
echo "$preview" | grep -E '^\s*[-+~]+ pulumi|^\s+[-+~] [a-zA-Z]|to (create|update|replace|delete)' || true
if echo "$preview" | grep -Eq 'to (replace|delete)'; then echo "FAIL: the new version would replace or delete resources of 0.1.0"; exit 1; fi
p "$new_bin" up --yes --non-interactive --skip-preview >/dev/null
p "$new_bin" up --yes --non-interactive --skip-preview >/dev/null
p "$new_bin" refresh --yes --non-interactive >/dev/null
runs="$(requests POST '^/processing/executions$')"; creates="$(requests POST '^/account/service-accounts$')"; deletes="$(requests DELETE '.')"
name_after="$(p "$new_bin" stack output accountName)"
echo "after two ups and a refresh with this version: $runs run(s), $creates account create(s), $deletes delete(s), account $name_after"
[ "$runs" = 1 ] && [ "$creates" = 1 ] && [ "$deletes" = 0 ] && [ "$name_before" = "$name_after" ] || { echo "FAIL"; exit 1; }
p "$new_bin" destroy --yes --non-interactive >/dev/null
left="$(curl -s "127.0.0.1:$port/_emulator/state" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const t=JSON.parse(s);console.log(t.serviceAccounts.length+t.workspacePermissions.length)})")"
[ "$left" = 0 ] || { echo "FAIL: destroy left $left objects"; exit 1; }
echo "migration from 0.1.0: OK (no rerun, no recreated account, nothing replaced; destroy leaves Talend empty)"
