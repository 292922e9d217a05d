import assert from "node:assert/strict";
import { test } from "node:test";
import { closeServerGaps } from "../../provider/plugin/server-fixes";
import { grpc, provrpc } from "../helpers/plugin-client";

// The gaps themselves are tested over gRPC (plugin-server.test.ts, and the compat suite on both ends of the peer range).
test("the fixes report a server that registered without them, so that the plugin fails to start instead of dropping its configuration", () => {
  const assertGapsClosed = closeServerGaps(() => {});
  assert.throws(assertGapsClosed, /@pulumi\/pulumi 3\.\d+\.\d+ registered its provider server without the fixes .*Fix: install an earlier @pulumi\/pulumi/);
  new grpc.Server().addService(provrpc.ResourceProviderService, { configure() {}, read() {} });
  assertGapsClosed();
});
