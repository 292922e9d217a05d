import { type TalendEmulator, startEmulator } from "../../emulator";
import type { Handler } from "../../provider/dynamic";
import { serviceAccountProvider } from "../../provider/service-account";
import { Context } from "../../provider/context";
import { taskExecutionProvider } from "../../provider/task-execution";
import { workspacePermissionProvider } from "../../provider/workspace-permission";
import { type Clock, systemClock } from "../../sdk";

export const ADMIN_PAT = "emulator-admin-pat";

/**
 * An emulator plus provider handlers wired to it, as the dynamic-provider process would have them; the
 * provider's clock is `clockFor(emulator)` (a fake one, see fake-clock.ts), by default the system's.
 */
export async function providerFixture(opts: Parameters<typeof startEmulator>[0] = {}, clockFor: (emulator: TalendEmulator) => Clock = () => systemClock) {
  const emulator: TalendEmulator = await startEmulator({ port: 0, ...opts });
  const ctx = new Context({ baseUrl: emulator.url, token: ADMIN_PAT }, clockFor(emulator));
  const get = () => ctx;
  const handlers: Record<"serviceAccount" | "workspacePermission" | "taskExecution", Handler> = {
    serviceAccount: serviceAccountProvider(get) as unknown as Handler,
    workspacePermission: workspacePermissionProvider(get) as unknown as Handler,
    taskExecution: taskExecutionProvider(get) as unknown as Handler,
  };
  const posts = (prefix: string) => emulator.requests().filter((r) => r.method === "POST" && r.path.startsWith(prefix)).length;
  return {
    emulator,
    ctx,
    ...handlers,
    posts,
    /** Talend's time now: what an intent created just before a create records (see provider/intent.ts). */
    async intentNow() {
      // The emulator's clock jumps when tests advance it; a real one does not. Sample it afresh.
      await ctx.client.serviceAccounts.permissionCatalog();
      return ctx.client.serverTime();
    },
    /** check + create, as the engine does on `up` (after the resource's intent, unless `news` brings one). */
    async createVia(h: Handler, news: Record<string, unknown>) {
      const checked = await h.check({}, { intentAt: await this.intentNow(), ...news });
      if (checked.failures?.length) throw new Error(checked.failures.map((f) => f.reason).join("; "));
      return { inputs: checked.inputs, ...(await h.create(checked.inputs)) };
    },
    async close() {
      await ctx.client.close();
      await emulator.close();
    },
  };
}

export { workspaceId } from "./emulator-ids";
