#!/usr/bin/env node
// `npm run emulator -- [--port 8787] [--host 127.0.0.1] [--seed seed.json] [--tasks-and-plans-edit-permission ID]`
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SeedSchema, defaultSeed } from "./seed";
import { startEmulator } from "./server";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8787" }, host: { type: "string", default: "127.0.0.1" }, seed: { type: "string" }, "tasks-and-plans-edit-permission": { type: "string" } } });
  const seed = values.seed ? SeedSchema.parse(JSON.parse(readFileSync(values.seed, "utf8"))) : defaultSeed();
  const emulator = await startEmulator({ port: Number(values.port), host: values.host, seed, tasksAndPlansEditPermission: values["tasks-and-plans-edit-permission"] });
  const pats = seed.users.map((u) => `${u.pat} (${u.login})`).join(", ");
  console.log(`Talend Cloud emulator listening on ${emulator.url}\nPersonal access tokens: ${pats}\nAdmin endpoints: ${emulator.url}/_emulator/state, /_emulator/requests`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: Error) => {
  console.error(`talend-emulator: ${e.message}`);
  process.exit(1);
});
