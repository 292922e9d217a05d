import * as pulumi from "@pulumi/pulumi";
import { Context, readSettings } from "./settings";

/**
 * Program-side access to Talend (lookups, preview-time warnings), configured exactly like the provider:
 * `talend:*` stack config, then environment variables. It lives in the program process only; nothing of it
 * is captured into the serialized provider.
 */
let context: Context | undefined;

export function programContext(): Context {
  if (!context) {
    const config = new pulumi.Config("talend");
    context = new Context(readSettings((key) => config.get(key.replace(/^talend:/, ""))));
  }
  return context;
}

/** For tests that point the program at another emulator. */
export function resetProgramContext(): void {
  context = undefined;
}
