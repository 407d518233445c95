import type { z } from "zod";
import type { Action } from "../identity/permissions.ts";
import type { StepScope } from "../identity/step-routes.ts";
import type { RouteKey } from "../lambda/router.ts";
import { requests } from "./request-schemas.ts";

/** The Lambda that serves a family of routes (functions/api/<family>.ts). */
export type Family =
  | "health"
  | "auth"
  | "tenants"
  | "systems"
  | "snapshots"
  | "drills"
  | "failovers"
  | "backups"
  | "replication"
  | "notifications"
  | "users"
  | "audit";

export interface RouteDoc {
  family: Family;
  summary: string;
  /** Reachable without a session (everything else goes through the session authorizer). */
  public?: boolean;
  body?: z.ZodType;
  query?: z.ZodType;
  /**
   * `false`: the route ignores `Idempotency-Key`, because its answer holds a credential (a token, a
   * one-time password, a TOTP seed) that the idempotency table must never store. Such routes are safe
   * to retry as they are. Every other mutating route runs at most once per key (shared/lambda/idempotency).
   */
  idempotencyKey?: false;
  /**
   * What the caller must be allowed to do (shared/identity/permissions.ts). The route's Lambda checks
   * it before the route runs (shared/lambda/resource-handler.ts); absent on public routes and on the
   * session's own routes (auth), which any signed-in caller reaches.
   */
  permission?: Action;
  /**
   * Whose data the permission is checked against: `own` (the caller's unit, and an agent's own system),
   * `path` (the `{tenantId}` of the path), `trail` (the audit trail asked for with `?tenantId=`, else
   * the caller's own) or `platform` (no unit). Default `own`.
   */
  tenant?: "own" | "path" | "trail" | "platform";
  /** The caller must have signed in within the re-authentication window (R-IA-06). */
  recentSignIn?: true;
  /** A bound on that window, whatever the identity settings allow (an approval gate: 5 minutes). */
  recentSignInMaxMinutes?: number;
  /** Step-scoped sessions (a sign-in still in its steps, a backup agent) that may call it; `full` always may. */
  sessions?: readonly StepScope[];
}

const everyStep = ["change-password", "enrol-mfa", "verify-mfa", "agent"] as const satisfies StepScope[];

/**
 * Every route of the API, once: infra wires API Gateway from it, the OpenAPI document is generated
 * from it, and a test checks that each handler serves exactly its family's routes.
 */
export const routes: Record<RouteKey, RouteDoc> = {
  "GET /health": { family: "health", summary: "Liveness probe", public: true },
  "GET /openapi.json": { family: "health", summary: "This API's OpenAPI 3.1 document", public: true },
  "POST /auth/login": {
    family: "auth",
    summary: "Sign in with user name and password",
    public: true,
    idempotencyKey: false,
    body: requests.login,
  },
  "POST /auth/agent-token": {
    family: "auth",
    summary: "A backup agent signs in with its system's agent key",
    public: true,
    idempotencyKey: false,
    body: requests.agentToken,
  },
  "POST /auth/password": {
    sessions: ["change-password"],
    family: "auth",
    summary: "Change the password",
    body: requests.changePassword,
    idempotencyKey: false,
  },
  "POST /auth/mfa/enrolment": {
    family: "auth",
    summary: "Start TOTP enrolment",
    idempotencyKey: false,
    sessions: ["enrol-mfa"],
  },
  "POST /auth/mfa/verification": {
    sessions: ["enrol-mfa", "verify-mfa"],
    family: "auth",
    summary: "Confirm enrolment or verify a sign-in with a TOTP code",
    body: requests.mfaCode,
    idempotencyKey: false,
  },
  "POST /auth/refresh": {
    family: "auth",
    summary: "A new token for the same session",
    idempotencyKey: false,
  },
  "POST /auth/logout": {
    family: "auth",
    summary: "End the session",
    idempotencyKey: false,
    sessions: everyStep,
  },
  "GET /auth/session": { family: "auth", summary: "Who is calling", sessions: everyStep },
  "POST /tenants": {
    family: "tenants",
    summary: "Self-service registration of a unit",
    public: true,
    body: requests.registerTenant,
  },
  "GET /tenants": {
    permission: "tenant:list",
    tenant: "platform",
    family: "tenants",
    summary: "Tenants by status",
    query: requests.listTenants,
  },
  "GET /tenants/{tenantId}": {
    permission: "tenant:read",
    tenant: "path",
    family: "tenants",
    summary: "One tenant",
  },
  "POST /tenants/{tenantId}/approve": {
    permission: "tenant:approve",
    tenant: "path",
    family: "tenants",
    summary: "Approve a pending tenant",
  },
  "POST /tenants/{tenantId}/reject": {
    permission: "tenant:approve",
    tenant: "path",
    family: "tenants",
    summary: "Reject a pending tenant",
  },
  "POST /tenants/{tenantId}/suspend": {
    permission: "tenant:suspend",
    tenant: "path",
    family: "tenants",
    summary: "Suspend an active tenant",
  },
  "POST /tenants/{tenantId}/resume": {
    permission: "tenant:suspend",
    tenant: "path",
    family: "tenants",
    summary: "Resume a suspended tenant",
  },
  "POST /tenants/{tenantId}/exit": {
    permission: "tenant:exit",
    tenant: "path",
    recentSignIn: true,
    family: "tenants",
    summary: "Request service exit",
  },
  "PUT /tenants/{tenantId}/ip-allow-list": {
    permission: "tenant:network",
    tenant: "path",
    recentSignIn: true,
    family: "tenants",
    summary: "Set the networks allowed to run management actions (security administrator)",
    body: requests.tenantIpAllowList,
  },
  "PUT /tenants/{tenantId}/site-rules": {
    permission: "tenant:configure",
    tenant: "path",
    recentSignIn: true,
    family: "tenants",
    summary: "Choose the DR-site distance rules the unit's policies are checked against",
    body: requests.tenantSiteRules,
  },
  "POST /systems": {
    permission: "system:write",
    family: "systems",
    summary: "Register a protected system",
    body: requests.system,
  },
  "GET /systems": {
    permission: "system:read",
    family: "systems",
    summary: "The unit's protected systems",
    query: requests.page,
  },
  "GET /systems/{systemId}": {
    permission: "system:read",
    family: "systems",
    summary: "One protected system",
  },
  "PUT /systems/{systemId}": {
    permission: "system:write",
    family: "systems",
    summary: "Replace a protected system; with `version`, only if it is still the version the caller read",
    body: requests.systemUpdate,
  },
  "PUT /systems/{systemId}/policy": {
    permission: "policy:write",
    recentSignIn: true,
    family: "systems",
    summary: "Set the DR policy (validated, versioned)",
    body: requests.policy,
  },
  "GET /systems/{systemId}/policy": {
    permission: "system:read",
    family: "systems",
    summary: "The DR policy in force",
  },
  "GET /systems/{systemId}/policy/versions": {
    permission: "system:read",
    family: "systems",
    summary: "Every DR policy version",
    query: requests.page,
  },
  "POST /systems/{systemId}/agent-keys": {
    permission: "agent-key:manage",
    recentSignIn: true,
    family: "snapshots",
    summary: "A new key for the system's backup agent (the credential is shown once)",
    body: requests.newAgentKey,
    idempotencyKey: false,
  },
  "GET /systems/{systemId}/agent-keys": {
    permission: "agent-key:read",
    family: "snapshots",
    summary: "The system's backup-agent keys",
    query: requests.page,
  },
  "POST /systems/{systemId}/agent-keys/{keyId}/revoke": {
    permission: "agent-key:manage",
    family: "snapshots",
    summary: "Revoke an agent key; its sessions end at their next call",
  },
  "PUT /systems/{systemId}/snapshots/{snapshotId}": {
    permission: "snapshot:register",
    sessions: ["agent"],
    family: "snapshots",
    summary: "Record a snapshot the system's agent wrote (agent session; same report again is a no-op)",
    body: requests.snapshotReport,
  },
  "GET /systems/{systemId}/snapshots": {
    permission: "snapshot:read",
    sessions: ["agent"],
    family: "snapshots",
    summary: "The system's recorded snapshots, newest first",
    query: requests.page,
  },
  "GET /systems/{systemId}/snapshots/{snapshotId}": {
    permission: "snapshot:read",
    sessions: ["agent"],
    family: "snapshots",
    summary: "One recorded snapshot",
  },
  "GET /systems/{systemId}/backup-plan": {
    permission: "backup-plan:read",
    sessions: ["agent"],
    family: "snapshots",
    summary:
      "What the system's installed agent runs: the backup part of the policy in force (sources, type, schedule, window, retention, suite)",
  },
  "POST /systems/{systemId}/drills": {
    permission: "drill:run",
    family: "drills",
    summary: "Run a restore drill now (optionally of a point in time); 409 while one runs",
    body: requests.newDrill,
  },
  "GET /systems/{systemId}/drills": {
    permission: "drill:read",
    family: "drills",
    summary: "The system's drills, newest first",
    query: requests.page,
  },
  "GET /systems/{systemId}/drills/{drillId}": {
    permission: "drill:read",
    family: "drills",
    summary: "One drill: status, current step, achieved against target RTO/RPO, verdict",
  },
  "GET /systems/{systemId}/drills/{drillId}/report": {
    permission: "drill:read",
    family: "drills",
    summary: "The drill's report, as a self-contained HTML page or as JSON",
    query: requests.reportFormat,
  },
  "POST /systems/{systemId}/failovers": {
    permission: "failover:run",
    recentSignIn: true,
    family: "failovers",
    summary:
      "Fail the system over to its DR site (statemachines/failover.asl.json); it waits for approval; 409 while it takes part in another switchover",
    body: requests.newSystemSwitchover,
  },
  "POST /failovers": {
    permission: "failover:run",
    recentSignIn: true,
    family: "failovers",
    summary:
      "Fail a set of systems over in waves (planned from priority and dependencies, or given); it waits for approval",
    body: requests.newSwitchoverPlan,
  },
  "GET /failovers": {
    permission: "failover:read",
    family: "failovers",
    summary: "The unit's failovers and failbacks, newest first",
    query: requests.page,
  },
  "GET /failovers/{failoverId}": {
    permission: "failover:read",
    family: "failovers",
    summary: "One switchover: status, phase, wave, each system's step, achieved RTO/RPO, timings",
  },
  "GET /systems/{systemId}/failovers/{failoverId}": {
    permission: "failover:read",
    family: "failovers",
    summary: "A switchover the system takes part in (404 when it does not)",
  },
  "GET /failovers/{failoverId}/report": {
    permission: "failover:read",
    family: "failovers",
    summary: "The emergency-response report (R-RPT-03), as a self-contained HTML page or as JSON",
    query: requests.reportFormat,
  },
  "POST /failovers/{failoverId}/approve": {
    permission: "failover:approve",
    recentSignIn: true,
    recentSignInMaxMinutes: 5,
    family: "failovers",
    summary: "Approve a switchover waiting at its approval gate; 409 when it is not waiting",
    body: requests.approvalDecision,
  },
  "POST /failovers/{failoverId}/reject": {
    permission: "failover:approve",
    recentSignIn: true,
    recentSignInMaxMinutes: 5,
    family: "failovers",
    summary: "Reject a switchover waiting at its approval gate: it stops, switching nothing",
    body: requests.approvalDecision,
  },
  "POST /systems/{systemId}/failbacks": {
    permission: "failover:run",
    recentSignIn: true,
    family: "failovers",
    summary:
      "Fail the system back to its primary site (statemachines/failback.asl.json): resync, approval, switch back",
    body: requests.newSystemSwitchover,
  },
  "POST /failbacks": {
    permission: "failover:run",
    recentSignIn: true,
    family: "failovers",
    summary: "Fail back the systems a failover moved, in the reverse of its waves",
    body: requests.newPlanFailback,
  },
  "GET /systems/{systemId}/route": {
    permission: "failover:read",
    family: "failovers",
    summary: "Which site serves the system now, and the switchover that last moved it",
  },
  "GET /systems/{systemId}/heartbeats": {
    permission: "failover:read",
    family: "failovers",
    summary: "The heartbeat's state and its probes, newest first (R-FO-02)",
    query: requests.page,
  },
  "POST /systems/{systemId}/webhook-secret": {
    permission: "webhook-secret:rotate",
    recentSignIn: true,
    idempotencyKey: false,
    family: "failovers",
    summary: "Issue a new signing secret for the webhook adapter (shown once; the old one stops signing)",
  },
  "POST /systems/{systemId}/backups": {
    permission: "backup:run",
    family: "backups",
    summary:
      "Back up the policy's S3 prefixes and DynamoDB tables now, server-side (optionally with another backup type); 409 while one runs",
    body: requests.newBackup,
  },
  "GET /systems/{systemId}/backups": {
    permission: "backup:read",
    family: "backups",
    summary: "The system's server-side backup jobs, newest first",
    query: requests.page,
  },
  "GET /systems/{systemId}/backups/{jobId}": {
    permission: "backup:read",
    family: "backups",
    summary: "One server-side backup job: status, live progress (files, bytes), its snapshot once written",
  },
  "GET /systems/{systemId}/replication": {
    permission: "system:read",
    family: "replication",
    summary:
      "How current the system's DR copy is, measured now: achievable RPO against the target, newest replicated snapshot, bytes still to copy",
  },
  "GET /systems/{systemId}/replication/history": {
    permission: "system:read",
    family: "replication",
    summary: "The replication monitor's measurements of the system, newest first",
    query: requests.page,
  },
  "POST /notifications/subscriptions": {
    permission: "notification:manage",
    family: "notifications",
    summary:
      "Send the unit's drill results and RPO breaches to an email address, a mobile number or an HTTPS endpoint",
    body: requests.subscription,
  },
  "GET /notifications/subscriptions": {
    permission: "notification:read",
    family: "notifications",
    summary: "The unit's notification subscriptions",
    query: requests.page,
  },
  "POST /notifications/subscriptions/{subscriptionId}/remove": {
    permission: "notification:manage",
    family: "notifications",
    summary: "Stop a notification subscription (the record is kept)",
  },
  "POST /users": {
    permission: "user:manage",
    recentSignIn: true,
    family: "users",
    summary: "Add a user with a one-time password",
    body: requests.newUser,
    idempotencyKey: false,
  },
  "GET /users": {
    permission: "user:manage",
    family: "users",
    summary: "Users of the caller's scope",
    query: requests.page,
  },
  "PUT /users/{userId}/roles": {
    permission: "user:manage",
    recentSignIn: true,
    family: "users",
    summary: "Change a user's roles",
    body: requests.roles,
  },
  "POST /users/{userId}/disable": {
    permission: "user:manage",
    recentSignIn: true,
    family: "users",
    summary: "Disable a user",
  },
  "POST /users/{userId}/enable": {
    permission: "user:manage",
    recentSignIn: true,
    family: "users",
    summary: "Enable a user",
  },
  "POST /users/{userId}/password-reset": {
    permission: "user:manage",
    recentSignIn: true,
    family: "users",
    summary: "Reset a user's password to a one-time password",
    idempotencyKey: false,
  },
  "GET /identity/settings": {
    permission: "identity-settings:read",
    tenant: "platform",
    family: "users",
    summary: "The platform's identity security settings",
  },
  "PUT /identity/settings": {
    permission: "identity-settings:write",
    tenant: "platform",
    recentSignIn: true,
    family: "users",
    summary: "Change identity security settings (security administrator, recent sign-in)",
    body: requests.identitySettings,
  },
  "GET /audit/events": {
    permission: "audit:read",
    tenant: "trail",
    family: "audit",
    summary: "Look up audit events",
    query: requests.auditQuery,
  },
  "GET /audit/export": {
    permission: "audit:read",
    tenant: "trail",
    family: "audit",
    summary: "Export audit events as JSON lines or CSV",
    query: requests.auditQuery,
  },
  "GET /audit/verify": {
    permission: "audit:read",
    tenant: "trail",
    family: "audit",
    summary: "Verify the audit hash chain in the index or in the locked archive",
    query: requests.verifySource,
  },
};

/** The catalogue entry of a request's method and resource template, if the route exists. */
export function routeDoc(method: string, resource: string): RouteDoc | undefined {
  return (routes as Record<string, RouteDoc | undefined>)[`${method} ${resource}`];
}

export function splitRouteKey(key: RouteKey): { method: string; path: string } {
  const [method, path] = key.split(" ") as [string, string];
  return { method, path };
}
