// Secret rotation without downtime. Talend cannot rotate a secret in place and account names are unique, so
// `uniqueSuffix` gives the Talend name a random suffix: changing `rotation` creates the new account (new
// suffix, new secret) before the old one is deleted, in the same `up`. Consumers that read clientId and
// clientSecret from this stack's outputs switch over with it.
//
//   pulumi config set rotation 2026-12     # then `pulumi up`: + create new account, - delete old one
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";

const config = new pulumi.Config();

const runner = new talend.ServiceAccount("etl-runner", {
  name: "etl-runner",
  uniqueSuffix: true,
  rotateSecret: config.get("rotation") ?? "initial",
  permissions: ["TMC_ENGINE_USE"],
});

// Grants follow the account: a new account means new grants, created before the old ones go.
new talend.WorkspacePermission("etl-runner-ops", {
  serviceAccountId: runner.clientId,
  workspace: "ops",
  environment: "development",
  permissions: ["EXECUTE"],
});

export const accountName = runner.accountName;
export const clientId = runner.clientId;
export const clientSecret = runner.clientSecret;
