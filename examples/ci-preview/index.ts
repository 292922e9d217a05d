// The program a pull request changes; CI previews it (see workflow.yml). A preview never creates, updates or
// runs anything: the provider's create/update are not called during preview, and lookups only read.
import * as talend from "pulumi-talend";

const runner = new talend.TaskRunner("ci", {
  name: "ci-runner",
  workspaces: [{ workspace: "ops", environment: "development" }],
});
runner.run("smoke", { task: "seed-database", workspace: "ops", environment: "development", triggers: ["smoke-1"] });

export const clientId = runner.clientId;
