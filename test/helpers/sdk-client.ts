import { after, before } from "node:test";
import { type EmulatorOptions, type TalendEmulator, startEmulator } from "../../emulator";
import { TalendClient, type TalendClientOptions, TokenCache } from "../../sdk";
import { scriptedServer } from "./http-server";

export const ADMIN_PAT = "emulator-admin-pat";

type ScriptedServer = Awaited<ReturnType<typeof scriptedServer>>;

/**
 * A client of a scripted server (see scriptedServer): a PAT and a token cache of its own unless `options` say
 * otherwise. Both are closed when `use` returns or throws.
 */
export async function withScriptedClient<T>(
  handlers: Parameters<typeof scriptedServer>[0],
  options: Partial<TalendClientOptions>,
  use: (client: TalendClient, server: ScriptedServer) => Promise<T>,
): Promise<T> {
  const server = await scriptedServer(handlers);
  const client = new TalendClient({ credentials: { token: "pat-123456" }, tokenCache: new TokenCache(), ...options, endpoint: server.url });
  try {
    return await use(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

/**
 * An emulator and a client of it with the admin PAT, for one SDK family's test file: started in `before`,
 * closed in `after`. Service-account clients made with `asServiceAccount` share its pool and token cache.
 */
export function emulatorClient(opts: EmulatorOptions = {}) {
  let emulator: TalendEmulator | undefined;
  let client: TalendClient | undefined;
  let starting: Promise<void> | undefined;
  // Top-level `before` hooks of one file run concurrently: a file's own hook that needs the client awaits ready().
  const ready = () =>
    (starting ??= (async () => {
      emulator = await startEmulator(opts);
      client = new TalendClient({ endpoint: emulator.url, credentials: { token: ADMIN_PAT }, tokenCache: new TokenCache(), rateLimits: false });
    })());
  before(ready);
  after(async () => {
    await client?.close();
    await emulator?.close();
  });
  return {
    /** Resolves once the emulator and the client are up (for the test file's own `before` hooks). */
    ready,
    get emulator(): TalendEmulator {
      if (!emulator) throw new Error("the emulator is not running");
      return emulator;
    },
    get client(): TalendClient {
      if (!client) throw new Error("the emulator is not running");
      return client;
    },
  };
}
