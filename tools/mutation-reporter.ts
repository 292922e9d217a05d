// A node:test reporter for tools/mutations.ts: one JSON line per finished test — its name, its depth, whether it
// passed, was skipped (and why), or failed (and the first lines of why).

interface TestEvent {
  type: string;
  data: { name: string; nesting: number; skip?: boolean | string; todo?: boolean | string; details?: { error?: Error & { cause?: unknown; failureType?: string } } };
}

/** Marks the reporter's lines among whatever else the tests print on stdout. */
const EVENT_PREFIX = "mutation-reporter: ";

export = async function* mutationReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const { type, data } of source) {
    if (type !== "test:pass" && type !== "test:fail") continue;
    const error = data.details?.error;
    const cause = error?.cause instanceof Error ? error.cause : error;
    const failure = type === "test:fail" ? { type: error?.failureType, message: String(cause?.message ?? cause ?? "").split("\n").slice(0, 6).join("\n").slice(0, 600) } : undefined;
    yield `${EVENT_PREFIX}${JSON.stringify({ outcome: type === "test:fail" ? "failed" : data.skip !== undefined && data.skip !== false ? "skipped" : "passed", name: data.name, nesting: data.nesting, skip: data.skip || undefined, failure })}\n`;
  }
};
