// The pulumi-talend policy pack: `pulumi up --policy-pack node_modules/pulumi-talend/policy`. That directory
// holds PulumiPolicy.yaml and a package.json whose main is this file, compiled; the engine has the Node.js
// language host run it there (RunPlugin). The rules are in rules.ts; docs/policy.md describes them.
let sdk: typeof import("@pulumi/policy");
try {
  sdk = require("@pulumi/policy");
} catch {
  // An optional peer of pulumi-talend: one clean line instead of a module-not-found stack trace.
  console.error("pulumi-talend/policy needs @pulumi/policy next to @pulumi/pulumi: npm install --save-dev @pulumi/policy@^1.21.0");
  process.exit(1);
}
// Loaded after the check: the rules need @pulumi/policy too.
const { policies } = require("./rules") as typeof import("./rules");

new sdk.PolicyPack("pulumi-talend", {
  description: "Guardrails for Talend Cloud access managed with pulumi-talend: least privilege for service accounts, secrets kept secret.",
  policies,
});
