import * as pulumi from "@pulumi/pulumi";
import { closestIds } from "../sdk";
import { programContext } from "./program-context";
import type { ServiceAccountInputs } from "./service-account-inputs";
import { DynamicResource, shim } from "./shim";
import { type ArgsOf, MODULE, stateKey } from "./types";

export type ServiceAccountArgs = ArgsOf<Omit<ServiceAccountInputs, "suffix" | "stateKey" | "permissions" | "adoptExisting" | "uniqueSuffix">> & {
  /** Account permission IDs, e.g. ["TMC_ENGINE_USE"]. Order-insensitive; duplicates are folded. */
  permissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing account of that name instead of failing with 409 (its secret cannot be recovered). */
  adoptExisting?: pulumi.Input<boolean>;
  /** Append a random suffix to the Talend name, so rotation can create the new account before deleting the old. */
  uniqueSuffix?: pulumi.Input<boolean>;
};

/**
 * A Talend Cloud service account: OAuth client credentials with account permissions.
 *
 * - `permissions` update in place (and invalidate cached tokens: Talend tokens snapshot permissions).
 * - Changing `rotateSecret` replaces the account and yields a new `clientSecret`.
 * - `clientSecret` is a secret output; Talend shows it only once, at creation.
 */
export class ServiceAccount extends DynamicResource {
  /** The name given in the program. */
  declare readonly name: pulumi.Output<string>;
  /** The name in Talend (`name`, plus a suffix with `uniqueSuffix`). */
  declare readonly accountName: pulumi.Output<string>;
  /** Account permission IDs, sorted, as Talend reports them. */
  declare readonly permissions: pulumi.Output<string[]>;
  /**
   * OAuth client ID; equal to the account id. Taken from the resource id, which stays known while the account
   * is updated in place, so that dependents (grants, runs) are not shown as replaced in preview.
   */
  readonly clientId: pulumi.Output<string>;
  /** OAuth client secret (secret). Empty for an adopted account. */
  declare readonly clientSecret: pulumi.Output<string | undefined>;
  /** When Talend created the account. */
  declare readonly createdDate: pulumi.Output<string>;
  /** Last change of name or permissions (`lastUsedDate` is deliberately not tracked: it is not drift). */
  declare readonly lastModifiedDate: pulumi.Output<string>;
  /** True when an existing account was adopted (then there is no secret). */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.CustomResourceOptions) {
    const outputs = { accountName: undefined, clientSecret: undefined, createdDate: undefined, lastModifiedDate: undefined, adopted: undefined };
    super(shim("ServiceAccount"), name, { ...outputs, ...args, stateKey: stateKey(name) }, { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "clientSecret"] }, MODULE, "ServiceAccount");
    this.clientId = this.id;
    if (pulumi.runtime.isDryRun()) warnAboutUnknownPermissions(this, args.permissions);
  }
}

/** In preview, unknown permission IDs are a warning (with the closest catalogue IDs); at apply they are an error. */
function warnAboutUnknownPermissions(resource: pulumi.Resource, permissions: ServiceAccountArgs["permissions"]): void {
  if (!permissions) return;
  pulumi.output(permissions).apply(async (ids) => {
    try {
      const catalog = await programContext().permissionCatalog();
      for (const id of ids.filter((p) => !catalog.ids.includes(p))) {
        pulumi.log.warn(`permission "${id}" is not in this tenant's catalogue (did you mean ${closestIds(id, catalog.ids).join(" or ")}?); the update will fail`, resource);
      }
    } catch {
      // Preview must not fail because the catalogue could not be read; apply validates again.
    }
  });
}
