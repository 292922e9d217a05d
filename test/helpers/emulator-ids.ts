import type { TalendEmulator } from "../../emulator";

/** The id of the seeded workspace named `name` in `environment`. */
export function workspaceId(emulator: TalendEmulator, name: string, environment: string): string {
  const state = emulator.state();
  const env = state.environments.find((e) => e.name === environment);
  const ws = state.workspaces.find((w) => w.name === name && w.environmentId === env?.id);
  if (!ws) throw new Error(`no workspace ${name} in ${environment}`);
  return ws.id;
}

/** The id of the task named `name` in that workspace. */
export function taskId(emulator: TalendEmulator, name: string, workspace: string, environment: string): string {
  const wsId = workspaceId(emulator, workspace, environment);
  const task = emulator.state().tasks.find((t) => t.name === name && t.workspaceId === wsId);
  if (!task) throw new Error(`no task ${name} in ${workspace} (${environment})`);
  return task.id;
}
