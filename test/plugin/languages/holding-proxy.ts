import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A pass-through proxy in front of the emulator that can hold the answer to one request: the request reaches
 * Talend (its effect stays), the answer never reaches the provider. Killing the engine then is exactly "killed after
 * Talend created it, before the checkpoint", without depending on timing.
 */
export async function holdingProxy(target: string) {
  let hold: ((method: string, path: string) => boolean) | undefined;
  let onHeld: () => void = () => undefined;
  const held = new Promise<void>((r) => (onHeld = r));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k))) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      try {
        const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
        const text = Buffer.from(await answer.arrayBuffer());
        if (hold?.(req.method ?? "", (req.url ?? "").split("?")[0] ?? "")) {
          hold = undefined;
          onHeld();
          return; // never answered
        }
        res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => !["content-encoding", "transfer-encoding", "content-length", "connection"].includes(k))));
        res.end(text);
      } catch {
        res.socket?.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Holds the answer to the next request that `matches`; `held` resolves once Talend has processed it. */
    holdNext(matches: (method: string, path: string) => boolean): Promise<void> {
      hold = matches;
      return held;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
