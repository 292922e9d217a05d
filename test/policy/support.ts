// Shared by the policy pack's CLI tests: the pack as CI enables it, and the engine's report of violations.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PulumiStack, RunResult } from "../helpers/pulumi-engine";

/** The pack as docs/policy.md tells CI to enable it. */
export const PACK = "node_modules/pulumi-talend/policy";

export interface Violation {
  level: "mandatory" | "advisory";
  policy: string;
  /** The resource's type token and name, as the engine prints them. */
  type: string;
  resource: string;
  message: string;
}

/** The violations the engine printed under "Policies:". */
export function violations(r: RunResult): Violation[] {
  const found = [...r.stdout.matchAll(/^ +- \[(mandatory|advisory)\](?: \[severity: \w+\])? +(\S+) +\((\S+): ([^)]+)\)\n +.*\n +(.*)$/gm)];
  return found.map((m) => ({ level: m[1] as Violation["level"], policy: m[2]!, type: m[3]!, resource: m[4]!, message: m[5]! }));
}

/** No violation at all: none parsed, and no level marker the parser could have missed. */
export function assertNoViolation(r: RunResult): void {
  assert.deepEqual(violations(r), [], summary(r));
  assert.doesNotMatch(r.stdout, /\[(advisory|mandatory)\]/, summary(r));
}

/** `pulumi preview`, `up` (with its preview) or `up --skip-preview`, with the pack; failures are returned. */
export function withPack(stack: PulumiStack, command: "preview" | "up" | "up --skip-preview", config?: object): Promise<RunResult> {
  const args = command === "preview" ? ["preview"] : command === "up" ? ["up", "--yes"] : ["up", "--yes", "--skip-preview"];
  args.push("--non-interactive", "--policy-pack", PACK);
  if (config) {
    const file = join(stack.dir, `policy-config-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(config));
    args.push("--policy-pack-config", file);
  }
  return stack.run(args, { allowFailure: true });
}

/** A one-line summary of a run's violations, for assertion messages. */
export const summary = (r: RunResult) => `exit ${r.code}; violations: ${JSON.stringify(violations(r).map((v) => `${v.level} ${v.policy} ${v.resource}`))}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;
