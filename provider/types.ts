import * as pulumi from "@pulumi/pulumi";

/** Resource arguments from a resolved input type: every field (and list element) may be an Input. */
export type ArgsOf<T> = { [K in keyof T]: T[K] extends (infer U)[] | undefined ? pulumi.Input<pulumi.Input<U>[]> : T[K] extends Record<string, infer V> | undefined ? pulumi.Input<Record<string, pulumi.Input<V>>> : pulumi.Input<T[K]> };

/** The `module` of every type token: URNs read pulumi-nodejs:dynamic/talend:<Type>. */
export const MODULE = "talend";
