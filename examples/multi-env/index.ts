// One program, one stack per Talend environment. Each stack's config (Pulumi.dev.yaml, Pulumi.prod.yaml)
// picks the region and the TMC environment; the token is per stack too:
//   pulumi stack select prod && pulumi config set --secret talend:token <prod PAT> && pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as talend from "pulumi-talend";

const config = new pulumi.Config();
const environment = config.require("environment");

const runner = new talend.TaskRunner("runner", {
  name: `ci-runner-${pulumi.getStack()}`,
  workspaces: [{ workspace: "ops", environment }],
});

export const environmentName = environment;
export const clientId = runner.clientId;
export const clientSecret = runner.clientSecret;
