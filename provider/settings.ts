import { REGIONS, TalendError, baseUrlFor, isRegion } from "../sdk";

/** Provider configuration, from stack config (`talend:*`) with environment-variable fallbacks. */
export interface Settings {
  baseUrl: string;
  token: string;
  tasksAndPlansEditPermission?: string;
}

export const CONFIG_KEYS = {
  region: ["talend:region", "TALEND_REGION"],
  endpoint: ["talend:endpoint", "TALEND_ENDPOINT"],
  token: ["talend:token", "TALEND_TOKEN"],
  tasksAndPlansEditPermission: ["talend:tasksAndPlansEditPermission", "TALEND_TASKS_AND_PLANS_EDIT_PERMISSION"],
} as const;

/**
 * Reads and validates settings; a missing or malformed one fails naming the key and the fix. `get` looks a
 * full key ("talend:token") up in stack config; secrets arrive decrypted and must not be logged.
 */
export function readSettings(get: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): Settings {
  const value = (k: keyof typeof CONFIG_KEYS) => {
    const [configKey, envKey] = CONFIG_KEYS[k];
    const v = get(configKey) ?? env[envKey];
    return v === undefined || v === "" ? undefined : v;
  };
  const region = value("region");
  if (region !== undefined && !isRegion(region)) {
    throw configError(`talend:region is "${region}"`, `set it to one of ${REGIONS.join(", ")} (pulumi config set talend:region eu), or set talend:endpoint`);
  }
  const endpoint = value("endpoint");
  let baseUrl: string;
  try {
    baseUrl = baseUrlFor({ region, endpoint });
  } catch {
    throw configError(`talend:endpoint is not an http(s) URL`, "e.g. pulumi config set talend:endpoint http://127.0.0.1:8787");
  }
  const token = value("token");
  if (!token) throw configError("talend:token is not set", "pulumi config set --secret talend:token <personal access token>, or export TALEND_TOKEN");
  if (/\s/.test(token)) throw configError("talend:token contains whitespace", "paste the personal access token alone, without 'Bearer ' or line breaks");
  return { baseUrl, token, tasksAndPlansEditPermission: value("tasksAndPlansEditPermission") };
}

function configError(message: string, hint: string): TalendError {
  return new TalendError({ kind: "config", message: `pulumi-talend configuration: ${message}`, hint });
}
