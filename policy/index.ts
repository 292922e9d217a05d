// The pulumi-talend policy pack: `pulumi up --policy-pack node_modules/pulumi-talend/policy`. The engine starts
// it through the Node.js language host (RunPlugin), in this directory's parent `policy/`, whose package.json
// points here and gives the pack its version. Its rules are in rules.ts; docs/policy.md describes them.
function missingPolicySdk(): never {
  console.error("pulumi-talend/policy needs @pulumi/policy next to @pulumi/pulumi: npm install --save-dev @pulumi/policy@^1.21.0");
  process.exit(1);
}

let sdk: typeof import("@pulumi/policy");
try {
  sdk = require("@pulumi/policy");
} catch {
  missingPolicySdk();
}
const { policies } = require("./rules") as typeof import("./rules");

new sdk.PolicyPack("pulumi-talend", {
  description: "Guardrails for Talend Cloud access managed with pulumi-talend: least privilege for service accounts, secrets kept secret.",
  policies,
});
