import assert from "node:assert/strict";
import { test } from "node:test";
import type { TalendError } from "../../sdk";
import { emulatorClient } from "../helpers/sdk-client";

const e = emulatorClient();

test("list and getByName: every environment, one by its exact name", async () => {
  assert.deepEqual((await e.client.environments.list()).map((env) => env.name).sort(), ["development", "production"]);
  const prod = await e.client.environments.getByName("production");
  assert.equal(prod.id, e.emulator.state().environments.find((env) => env.name === "production")?.id);
});

test("a miss names what was looked for, the closest name and what exists", async () => {
  await assert.rejects(e.client.environments.getByName("prodution"), (err: TalendError) => {
    assert.equal(err.code, "not-found");
    assert.match(err.message, /no environment named "prodution" found\nFix: did you mean "production"\? names visible to these credentials: development, production/);
    return true;
  });
});
