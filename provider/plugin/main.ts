#!/usr/bin/env node
// `pulumi-resource-talend`: the provider plugin the engine starts for programs in any language (see docs/languages.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { TalendProvider } from "./provider";
import { closeServerGaps } from "./server-fixes";

/** The package root: dist/provider/plugin/ → ../../.. */
const root = join(__dirname, "..", "..", "..");
const version: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const provider = new TalendProvider(version, readFileSync(join(root, "provider", "plugin", "schema.json"), "utf8"));
const assertGapsClosed = closeServerGaps((config, self) => provider.configure(config, self));
pulumi.provider.main(provider, process.argv.slice(2)).then(assertGapsClosed).catch((e) => {
  console.error(`pulumi-resource-talend: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
