import type { Handler } from "../registry";

/**
 * The state of an object `pulumi import` brings under management: the engine sends its id only. Each type's read
 * takes the properties it needs from the id; the inputs returned are what the generated code declares, so that a
 * preview with that code shows no change. Nothing is sent that changes Talend.
 */
export async function importedState(type: string, id: string, h: Handler): Promise<{ id?: string; props?: Record<string, unknown>; inputs?: Record<string, unknown> }> {
  if (type === "ServiceAccount") {
    // Like adoptExisting: Talend never shows an existing account's secret, so the imported account has none.
    const r = await h.read(id, { uniqueSuffix: false, adoptExisting: false });
    if (!r.id || !r.props) return {};
    const { accountName, permissions } = r.props as { accountName: string; permissions: string[] };
    return { id, props: { ...r.props, name: accountName, clientId: id, adopted: true }, inputs: { name: accountName, permissions, adoptExisting: false, uniqueSuffix: false } };
  }
  if (type === "WorkspacePermission") {
    const [workspaceId, serviceAccountId] = id.split("/");
    if (!workspaceId || !serviceAccountId || id.split("/").length !== 2) throw new Error(`pulumi-talend: cannot import WorkspacePermission "${id}": the id is <workspaceId>/<serviceAccountId>`);
    const r = await h.read(id, { resolvedWorkspaceId: workspaceId, serviceAccountId, adoptExisting: false });
    if (!r.id || !r.props) return {};
    const { permissions } = r.props as { permissions: string[] };
    return { id, props: { ...r.props, workspaceId, adopted: true }, inputs: { serviceAccountId, workspaceId, permissions, adoptExisting: false } };
  }
  throw new Error(`pulumi-talend: ${type} cannot be imported; import ServiceAccount (by clientId) or WorkspacePermission (by <workspaceId>/<serviceAccountId>)`);
}
