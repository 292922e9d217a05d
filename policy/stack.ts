// Who uses what in a stack, for the stack rules: which account a grant or a run names, and whether a run needs
// a grant. Read from the program's own values and data flow only (policies cannot ask Talend).
import type { PolicyResource } from "@pulumi/policy";
import { type Kind, UNKNOWN, type Unknown, kindOf, plain } from "./inputs";

export interface Node {
  urn: string;
  name: string;
  kind: Kind;
  props: Record<string, unknown>;
  resource: PolicyResource;
}

export class StackGraph {
  readonly accounts: Node[];
  readonly grants: Node[];
  readonly runs: Node[];

  constructor(resources: PolicyResource[]) {
    const nodes = resources.flatMap((resource): Node[] => {
      const kind = kindOf(resource.type);
      return kind ? [{ urn: resource.urn, name: resource.name, kind, props: plain(resource.props), resource }] : [];
    });
    this.accounts = nodes.filter((n) => n.kind === "ServiceAccount");
    this.grants = nodes.filter((n) => n.kind === "WorkspacePermission");
    this.runs = nodes.filter((n) => n.kind === "TaskExecution");
  }

  /**
   * The account a grant (`serviceAccountId`) or a run (`clientId`) names: the URN of the stack's ServiceAccount
   * it comes from — by the program's data flow (the property depends on exactly one account), else by value —
   * or `id:<value>` for an account this stack does not declare. Undefined for a run without an
   * account (it runs with the provider's token); UNKNOWN when a preview cannot tell.
   */
  accountOf(node: Node): string | Unknown | undefined {
    const property = node.kind === "TaskExecution" ? "clientId" : "serviceAccountId";
    const sources = (node.resource.propertyDependencies[property] ?? []).filter((r) => kindOf(r.type) === "ServiceAccount");
    if (sources.length === 1) return sources[0]!.urn;
    const value = node.props[property];
    if (typeof value === "string") return this.accounts.find((a) => a.props.clientId === value)?.urn ?? `id:${value}`;
    return value === undefined ? undefined : UNKNOWN;
  }

  /** `ServiceAccount "ci-runner"`, or the account id for one this stack does not declare. */
  accountLabel(account: string): string {
    const node = this.accounts.find((a) => a.urn === account);
    return node ? `ServiceAccount "${node.name}"` : `service account ${account.replace(/^id:/, "")}`;
  }

  /** Whether `node` depends on `on` (dependsOn, or any of its values comes from it). */
  dependsOn(node: Node, on: Node): boolean {
    const direct = node.resource.dependencies.some((d) => d.urn === on.urn);
    return direct || Object.values(node.resource.propertyDependencies).some((deps) => deps.some((d) => d.urn === on.urn));
  }
}
