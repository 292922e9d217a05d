import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serializes into state for every resource. It stays a thin, stable shim: each method loads
 * the implementation by package name at run time, so state holds ~1 KB of forwarding code and no credential,
 * and `refresh`/`destroy` after an upgrade run the installed code rather than the code of the day the resource
 * was created. Only `kind` (a string) is captured.
 */
export function shim(kind: string): pulumi.dynamic.ResourceProvider {
  // Rest arguments keep each of the seven serialized closures short (the serializer wraps every one).
  return {
    configure: (...a) => require("pulumi-talend/dynamic").configure(...a),
    check: (...a) => require("pulumi-talend/dynamic").handler(kind).check(...a),
    diff: (...a) => require("pulumi-talend/dynamic").handler(kind).diff(...a),
    create: (...a) => require("pulumi-talend/dynamic").handler(kind).create(...a),
    read: (...a) => require("pulumi-talend/dynamic").handler(kind).read(...a),
    update: (...a) => require("pulumi-talend/dynamic").handler(kind).update(...a),
    delete: (...a) => require("pulumi-talend/dynamic").handler(kind).delete(...a),
  };
}
