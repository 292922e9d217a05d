import type * as pulumi from "@pulumi/pulumi";

/**
 * The object Pulumi serializes into state for every resource. It stays a thin, stable shim: each method loads
 * the implementation by package name at run time, so state holds ~1 KB of forwarding code and no credential,
 * and `refresh`/`destroy` after an upgrade run the installed code rather than the code of the day the resource
 * was created. Only `kind` (a string) is captured.
 */
export function shim(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require("pulumi-talend/dynamic").configure(req),
    check: (olds, news) => require("pulumi-talend/dynamic").handler(kind).check(olds, news),
    diff: (id, olds, news) => require("pulumi-talend/dynamic").handler(kind).diff(id, olds, news),
    create: (inputs) => require("pulumi-talend/dynamic").handler(kind).create(inputs),
    read: (id, props) => require("pulumi-talend/dynamic").handler(kind).read(id, props),
    update: (id, olds, news) => require("pulumi-talend/dynamic").handler(kind).update(id, olds, news),
    delete: (id, props) => require("pulumi-talend/dynamic").handler(kind).delete(id, props),
  };
}
