// Makes `require("pulumi-talend/...")` resolve inside this repository, as it does for users who install the
// package: the serialized provider shim loads its implementation by package name (see provider/shim.ts), and
// the examples import "pulumi-talend". npm refuses a package that depends on itself, hence this link.
const fs = require("node:fs");
const path = require("node:path");
const link = path.join(__dirname, "..", "node_modules", "pulumi-talend");
try {
  if (fs.readlinkSync(link) === "..") process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // not there yet
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
