// pulumi-talend/sdk: a typed Talend Cloud client usable without Pulumi.
export { TalendClient, type TalendClientOptions, type Credentials, errorFromResponse } from "./client";
export { TalendError, type TalendErrorKind, type TalendErrorCode, type TalendErrorInit, ERROR_CODES, isTalendError, ignoreNotFound, mayHaveTakenEffect } from "./errors";
export { REGIONS, type Region, baseUrlFor, isRegion } from "./regions";
export { redact, registerSecret } from "./redact";
export { TokenCache, sharedTokenCache, type AccessToken } from "./token-cache";
export { Transport, DEFAULT_RETRY, type RetryPolicy, type TransportOptions, type ApiRequest, type ApiResponse } from "./transport";
export { DOCUMENTED_LIMITS_PER_MINUTE, type ApiFamily } from "./rate-limiter";
export * from "./service-accounts";
export * from "./workspace-permissions";
export * from "./environments";
export * from "./workspaces";
export * from "./tasks";
export * from "./executions";
export * from "./execution-logs";
export * from "./permission-catalog";
export * from "./run-readiness";
export { type Clock, systemClock } from "./clock";
export { createOnce, lookAgain, type CreateOnce, type Reconciled } from "./create-once";
