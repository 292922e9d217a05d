import * as pulumi from "@pulumi/pulumi";
import type { Environment, PermissionCatalog, TaskExtract, Workspace } from "../sdk";
import { type NameFailure, checkEnvironment, checkTask, checkWorkspace, isFailure } from "./name-checks";
import { type ProgramContext, programContext } from "./program-context";

// Lookups for programs, configured like the resources (talend:* config, then TALEND_* variables). Each finds
// exactly one object or fails with a pulumi.RunError saying what it looked for, the closest names (did you
// mean ...?) and what exists. Identical lookups in one program run share one round of requests and one
// outcome (see ProgramContext.lookup), so a lookup inside a loop costs what a hoisted one costs.
//
// Pulumi's convention: `getX(args)` takes plain values and returns a Promise; `getXOutput(args)` takes Inputs
// (e.g. another resource's output) and returns an Output.

export interface GetEnvironmentArgs {
  name: string;
}
export interface GetWorkspaceArgs {
  name: string;
  environment: string;
}
export interface GetTaskArgs {
  name: string;
  workspace: string;
  environment: string;
}
type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

export type WorkspaceResult = Workspace & { environment: Environment };
export type TaskResult = TaskExtract & { workspaceId: string; environmentId: string };

const key = (...parts: string[]) => JSON.stringify(parts);

/**
 * An environment that does not exist is one mistake however many lookups name it (typically one config value
 * used by several): its message does not name the lookup, so all of them share one error, printed once.
 */
const sameForEveryLookup = <T>(r: T | NameFailure): T | NameFailure =>
  isFailure(r) && r.property === "environment" ? { ...r, reason: r.reason.replace(/^[^:]+: /, "pulumi-talend: ") } : r;

/** The environment with exactly this name. */
export function getEnvironment(args: GetEnvironmentArgs): Promise<Environment> {
  return safely(() => lookupsIn(programContext()).getEnvironment(args));
}

/** The workspace with exactly this name in the named environment. */
export function getWorkspace(args: GetWorkspaceArgs): Promise<WorkspaceResult> {
  return safely(() => lookupsIn(programContext()).getWorkspace(args));
}

/** The task with exactly this name in the named workspace and environment, with its workspace and environment ids. */
export function getTask(args: GetTaskArgs): Promise<TaskResult> {
  return safely(() => lookupsIn(programContext()).getTask(args));
}

/** The tenant's account-permission IDs, with the ID of "Tasks and Plans - Edit" when it can be determined. */
export function getPermissionCatalog(): Promise<PermissionCatalog> {
  return safely(() => lookupsIn(programContext()).getPermissionCatalog());
}

/**
 * The lookups over one context: the program's (above), or the provider plugin's, which serves them as the
 * functions talend:index:getEnvironment etc. with the same arguments and results. (An arrow function: reference.md
 * lists the function declarations of this file, which are the program's API.)
 */
export const lookupsIn = (context: ProgramContext) => ({
  getEnvironment: (args: GetEnvironmentArgs): Promise<Environment> =>
    context.lookup(key("environment", args.name), async (reads) => sameForEveryLookup(await checkEnvironment(reads, args.name, "talend.getEnvironment"))),
  getWorkspace: (args: GetWorkspaceArgs): Promise<WorkspaceResult> =>
    context.lookup(key("workspace", args.name, args.environment), async (reads) => {
      const ws = sameForEveryLookup(await checkWorkspace(reads, args.name, args.environment, "talend.getWorkspace"));
      // checkWorkspace names the input "workspace"; here it is called "name".
      return isFailure(ws) ? { ...ws, reason: ws.reason.replace("getWorkspace.workspace:", "getWorkspace.name:") } : ws;
    }),
  getTask: (args: GetTaskArgs): Promise<TaskResult> =>
    context.lookup(key("task", args.name, args.workspace, args.environment), async (reads) => {
      const found = sameForEveryLookup(await checkTask(reads, args.name, args.workspace, args.environment, "talend.getTask", "name"));
      return isFailure(found) ? found : { ...found.task, workspaceId: found.workspace.id, environmentId: found.workspace.environment.id };
    }),
  getPermissionCatalog: (): Promise<PermissionCatalog> => context.lookup(key("catalog"), (reads) => reads.catalog()),
});

/** getEnvironment for Inputs: an Output that resolves once `name` does. */
export function getEnvironmentOutput(args: Inputs<GetEnvironmentArgs>): pulumi.Output<Environment> {
  return pulumi.output(args).apply((a) => getEnvironment(a));
}

/** getWorkspace for Inputs (e.g. an environment name from config or another resource). */
export function getWorkspaceOutput(args: Inputs<GetWorkspaceArgs>): pulumi.Output<WorkspaceResult> {
  return pulumi.output(args).apply((a) => getWorkspace(a));
}

/** getTask for Inputs. */
export function getTaskOutput(args: Inputs<GetTaskArgs>): pulumi.Output<TaskResult> {
  return pulumi.output(args).apply((a) => getTask(a));
}

/** getPermissionCatalog as an Output, to feed resource inputs directly. */
export function getPermissionCatalogOutput(): pulumi.Output<PermissionCatalog> {
  return pulumi.output(getPermissionCatalog());
}

/** Settings errors (no token, bad region) arrive as a rejected promise, like every other lookup failure. */
const safely = <T>(run: () => Promise<T>): Promise<T> => {
  try {
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
};
