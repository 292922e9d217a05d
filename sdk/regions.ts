import { TalendError } from "./errors";

/** Talend Cloud regions with a public API host (api.<region>.cloud.talend.com). */
export const REGIONS = ["eu", "us", "us-west", "ap", "au"] as const;
export type Region = (typeof REGIONS)[number];

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value);
}

/** The API base URL: an explicit endpoint wins (emulator, proxy), otherwise the region's host. */
export function baseUrlFor(opts: { region?: string; endpoint?: string }): string {
  if (opts.endpoint) {
    let url: URL;
    try {
      url = new URL(opts.endpoint);
    } catch {
      throw new TalendError({ kind: "config", message: `endpoint "${opts.endpoint}" is not a URL`, hint: "use e.g. http://127.0.0.1:8787 or https://api.eu.cloud.talend.com" });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new TalendError({ kind: "config", message: `endpoint "${opts.endpoint}" must be http(s)` });
    }
    return url.origin + url.pathname.replace(/\/+$/, "");
  }
  const region = opts.region ?? "eu";
  if (!isRegion(region)) {
    throw new TalendError({ kind: "config", message: `unknown Talend region "${region}"`, hint: `use one of ${REGIONS.join(", ")}, or set an explicit endpoint` });
  }
  return `https://api.${region}.cloud.talend.com`;
}
