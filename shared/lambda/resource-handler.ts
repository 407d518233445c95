import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { pathSchemaOf } from "../api/request-schemas.ts";
import { type RouteDoc, routeDoc } from "../api/routes.ts";
import { apiAuditEvent, platformTenant, requestFacts } from "../audit/api-event.ts";
import type { AuditLog } from "../audit/audit-log.ts";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import { NotFoundError, UnauthenticatedError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { IdentitySettings } from "../identity/settings.ts";
import { cachedSetup } from "./cached-setup.ts";
import { callerClaims } from "./caller.ts";
import type { FunctionEnv } from "./env.ts";
import { errorResponse, htmlSecurityHeaders, jsonResponse, securityHeaders } from "./http.ts";
import { acceptsIdempotencyKey, type IdempotentRunner, idempotencyKeyOf } from "./idempotency.ts";
import { parsePath, requestText } from "./request.ts";
import { checkAccess } from "./route-access.ts";
import type { RouteKey } from "./router.ts";

/** What a route may tell the audit record beyond what the bundle knows. */
export interface AuditNotes {
  /** The tenant whose chain records the call, when it is not the caller's (e.g. a failed sign-in). */
  tenantId?: string;
  resources?: { type: string; id: string }[];
  responseElements?: Record<string, unknown>;
}

export interface RouteContext<Env, Deps> {
  env: Env;
  deps: Deps;
  claims?: SessionClaims;
  /** The signed-in caller; every route but the public ones has one (a 401 otherwise). */
  readonly caller: SessionClaims;
  /** The unit the caller was allowed to act on, per the route's declaration (undefined: the platform). */
  tenantId?: string;
  /** The path parameters, checked against their forms (shared/api/request-schemas.ts). */
  path: Readonly<Record<string, string>>;
  body: unknown;
  logger: Logger;
  lambda: Context;
  audit: AuditNotes;
}

export interface RouteSpec<Env, Deps> {
  /** The audit event name, e.g. "Login", "ApproveTenant". */
  eventName: string;
  readOnly: boolean;
  /** JSON by default; a route that sets `contentType` returns `body` (a string) as it is. */
  handle(
    event: APIGatewayProxyEvent,
    ctx: RouteContext<Env, Deps>,
  ): Promise<{ statusCode: number; body: unknown; contentType?: string }>;
}

/** What every API Lambda's dependencies offer the bundle: the audit log, the clock, identity settings. */
export interface RouteDeps {
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  settings: () => Promise<IdentitySettings>;
  idempotency?: IdempotentRunner;
}

/** A family's routes, keyed like the catalogue; each handler file exports its map. */
export type RouteMap<Env, Deps> = Partial<Record<RouteKey, RouteSpec<Env, Deps>>>;

export interface Family<Env, Deps> {
  eventSource: string;
  routes: RouteMap<Env, Deps>;
}

/**
 * One Lambda per resource family: `resourceHandler(envSchema, deps, family)`. The bundle parses the
 * environment and builds the dependencies once per cold start, then serves each request (serveRoute).
 */
export function resourceHandler<EnvSchema extends FunctionEnvSchema, Deps extends RouteDeps>(
  envSchema: EnvSchema,
  deps: (env: FunctionEnv<EnvSchema>) => Promise<Deps> | Deps,
  family: Family<FunctionEnv<EnvSchema>, Deps>,
) {
  const logger = new Logger();
  const setup = cachedSetup(envSchema, deps);
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => serveRoute(family, { ...(await setup()), logger }, event, context));
}

/**
 * Serves one request: picks the route, checks its path, enforces its declared access, runs it (at
 * most once per Idempotency-Key), maps errors to stable codes, and writes one audit event for every
 * call, success or failure (R-AU). If the audit event cannot be written, the caller gets a 500
 * instead of a success nobody can prove.
 */
export async function serveRoute<Env extends { AWS_REGION: string }, Deps extends RouteDeps>(
  family: Family<Env, Deps>,
  bundle: { env: Env; deps: Deps; logger: Logger },
  event: APIGatewayProxyEvent,
  context: Context,
): Promise<APIGatewayProxyResult> {
  const { env, deps, logger } = bundle;
  const audit: AuditNotes = {};
  let response: APIGatewayProxyResult;
  const key = `${event.httpMethod} ${event.resource}` as RouteKey;
  const spec = family.routes[key];
  let claims: SessionClaims | undefined;
  let body: unknown;
  try {
    const doc = routeDoc(event.httpMethod, event.resource);
    if (!spec || !doc) throw new NotFoundError(`No route ${key}`);
    claims = callerClaims(event);
    body = event.body ? safeJson(requestText(event)) : undefined;
    const path = parsePath(pathSchemaOf(event.resource), event) as Record<string, string>;
    const access = await checkAccess(doc, { claims, path, query: event.queryStringParameters ?? {} }, deps);
    const ctx: RouteContext<Env, Deps> = {
      env,
      deps,
      claims,
      get caller() {
        if (!claims) throw new UnauthenticatedError("Sign in first");
        return claims;
      },
      tenantId: access.tenantId,
      path,
      body,
      logger,
      lambda: context,
      audit,
    };
    const { result, replayed } = await runAtMostOnce(
      { event, doc, claims, body, context, runner: deps.idempotency },
      async () => ({ result: await spec.handle(event, ctx), audit }),
    );
    if (replayed) Object.assign(audit, replayed.audit);
    response = result.contentType
      ? {
          statusCode: result.statusCode,
          headers: {
            ...securityHeaders,
            "content-type": result.contentType,
            // An HTML answer (a drill report) runs nothing and loads nothing, and is framed by no one.
            ...(result.contentType.startsWith("text/html") ? htmlSecurityHeaders : {}),
          },
          body: String(result.body),
        }
      : jsonResponse(result.statusCode, result.body);
    if (replayed) response.headers = { ...response.headers, "idempotent-replayed": "true" };
  } catch (error) {
    response = errorResponse(error, context.awsRequestId);
    if (response.statusCode >= 500) logger.error("request failed", { error: error as Error });
  }
  const failure =
    response.statusCode >= 400 ? (JSON.parse(response.body) as { code: string; message: string }) : undefined;
  try {
    await deps.audit.record(
      audit.tenantId ?? claims?.tid ?? platformTenant,
      apiAuditEvent({
        request: requestFacts(event.requestContext, {
          ...event.pathParameters,
          ...event.queryStringParameters,
          ...(body && typeof body === "object" ? (body as Record<string, unknown>) : {}),
        }),
        eventSource: family.eventSource,
        eventName: spec?.eventName ?? key,
        readOnly: spec?.readOnly ?? true,
        region: env.AWS_REGION,
        claims,
        responseElements: audit.responseElements,
        error: failure,
        resources: audit.resources,
        now: deps.now(),
      }),
    );
  } catch (error) {
    logger.error("audit event could not be written", { error: error as Error });
    return errorResponse(new Error("audit unavailable"), context.awsRequestId);
  }
  return response;
}

type RouteResult = Awaited<ReturnType<RouteSpec<unknown, unknown>["handle"]>>;
interface Outcome {
  result: RouteResult;
  audit: AuditNotes;
}

/**
 * Runs a mutating route at most once per `Idempotency-Key` of the same caller and route; other
 * requests run as they are. A replay returns the first outcome, its audit notes marked as a replay.
 */
async function runAtMostOnce(
  request: {
    event: APIGatewayProxyEvent;
    doc: RouteDoc;
    claims: SessionClaims | undefined;
    body: unknown;
    context: Context;
    runner: IdempotentRunner | undefined;
  },
  execute: () => Promise<Outcome>,
): Promise<{ result: RouteResult; replayed?: Outcome }> {
  const { event, claims, runner } = request;
  const key = acceptsIdempotencyKey(event.httpMethod, event.resource) ? idempotencyKeyOf(event) : undefined;
  if (!key || !runner) return { result: (await execute()).result };
  const caller = claims
    ? `${claims.tid}#${claims.sub}`
    : `anonymous#${event.requestContext.identity.sourceIp}`;
  const { outcome, replayed } = await runner(
    {
      scope: `${caller}#${event.httpMethod} ${event.resource}#${key}`,
      payload: {
        path: event.pathParameters ?? null,
        query: event.queryStringParameters ?? null,
        body: request.body,
      },
    },
    request.context,
    execute,
  );
  if (!replayed) return { result: outcome.result };
  const audit = {
    ...outcome.audit,
    responseElements: { ...outcome.audit.responseElements, idempotentReplay: true },
  };
  return { result: outcome.result, replayed: { result: outcome.result, audit } };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return { unparsableBody: true };
  }
}
