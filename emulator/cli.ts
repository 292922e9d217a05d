#!/usr/bin/env node
// talend-emulator [--port 8787] [--host 127.0.0.1] [--seed seed.json] [--tasks-and-plans-edit-permission ID]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SeedSchema, defaultSeed } from "./seed";
import { startEmulator } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: "string", default: "8787" }, host: { type: "string", default: "127.0.0.1" }, seed: { type: "string" }, "tasks-and-plans-edit-permission": { type: "string" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const seed = values.seed ? SeedSchema.parse(JSON.parse(readFileSync(values.seed, "utf8"))) : defaultSeed();
  const emulator = await startEmulator({ port, host: values.host, seed, tasksAndPlansEditPermission: values["tasks-and-plans-edit-permission"] });
  const admin = seed.users.find((u) => u.permissions.includes("*") || u.permissions.includes("TMC_SERVICE_ACCOUNT_MANAGEMENT")) ?? seed.users[0];
  console.log(`Talend Cloud emulator listening on ${emulator.url}`);
  if (admin) console.log(`Admin personal access token: ${admin.pat} (${admin.login})`);
  console.log(`Test controls (never expose them): ${emulator.url}/_emulator/state, /_emulator/requests, /_emulator/faults, /_emulator/clock/advance, /_emulator/admin/<op>`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: Error) => {
  console.error(`talend-emulator: ${e.message}`);
  process.exit(1);
});
