#!/usr/bin/env node
// `pulumi-resource-talend`: the provider plugin the engine starts for programs in any language (see docs/languages.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { TalendProvider } from "./provider";
import { closeServerGaps } from "./server-fixes";

// Only what answers the engine's first calls (plugin info, schema) loads here: provider.ts loads the handlers when
// the first resource or function needs them, and nothing here imports @pulumi/pulumi's index (it loads TypeScript).

/** The package root: dist/provider/plugin/ → ../../.. */
const root = join(__dirname, "..", "..", "..");
const version: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const provider = new TalendProvider(version, readFileSync(join(root, "provider", "plugin", "schema.json"), "utf8"));
const assertGapsClosed = closeServerGaps((config, self) => provider.configure(config, self));
main(provider, process.argv.slice(2)).then(assertGapsClosed).catch((e) => {
  console.error(`pulumi-resource-talend: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
// main() has just installed source-map-support for the process. The plugin ships no source maps and shows no stack
// to users, but @pulumi/pulumi captures a stack per promise it makes (for its leak report) and per resource:
// mapped, they were a fifth of the plugin's time in a 100-account preview of components. Plain V8 stacks again.
(Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
