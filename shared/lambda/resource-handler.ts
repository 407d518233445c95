import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { z } from "zod";
import { apiAuditEvent, platformTenant, requestFacts } from "../audit/api-event.ts";
import type { AuditLog } from "../audit/audit-log.ts";
import type { FunctionEnvSchema } from "../config/function-env.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import { callerClaims } from "./caller.ts";
import { parseFunctionEnv } from "./env.ts";
import { errorResponse, jsonResponse, securityHeaders } from "./http.ts";
import { acceptsIdempotencyKey, type IdempotentRunner, idempotencyKeyOf } from "./idempotency.ts";
import { requestText } from "./request.ts";
import { type RouteKey, route } from "./router.ts";

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

/**
 * One Lambda per resource family: `resourceHandler(envSchema, {eventSource, deps}, routes)`. The
 * bundle parses the environment, picks the route, maps errors to stable codes, and writes one audit
 * event for every call, success or failure (R-AU). If the audit event cannot be written, the caller
 * gets a 500 instead of a success nobody can prove.
 */
export function resourceHandler<
  EnvSchema extends FunctionEnvSchema,
  Deps extends { audit: Pick<AuditLog, "record">; now: () => Date; idempotency?: IdempotentRunner },
>(
  envSchema: EnvSchema,
  options: { eventSource: string; deps: (env: z.infer<EnvSchema>) => Promise<Deps> },
  routes: Partial<Record<RouteKey, RouteSpec<z.infer<EnvSchema>, Deps>>>,
) {
  const logger = new Logger();
  // Built once per cold start; a failed setup is retried by the next request.
  let cached: Promise<{ env: z.infer<EnvSchema>; deps: Deps }> | undefined;
  const setup = () => {
    cached ??= (async () => {
      const env = parseFunctionEnv(envSchema);
      return { env, deps: await options.deps(env) };
    })().catch((error) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const audit: AuditNotes = {};
      let response: APIGatewayProxyResult;
      let spec: RouteSpec<z.infer<EnvSchema>, Deps> | undefined;
      let claims: SessionClaims | undefined;
      let body: unknown;
      const { env, deps } = await setup();
      try {
        spec = route(event, routes).handler;
        claims = callerClaims(event);
        body = event.body ? safeJson(requestText(event)) : undefined;
        const handle = spec.handle;
        const { result, replayed } = await runAtMostOnce(
          { event, claims, body, context, runner: deps.idempotency },
          async () => ({
            result: await handle(event, { env, deps, claims, body, logger, lambda: context, audit }),
            audit,
          }),
        );
        if (replayed) Object.assign(audit, replayed.audit);
        response = result.contentType
          ? {
              statusCode: result.statusCode,
              headers: { ...securityHeaders, "content-type": result.contentType },
              body: String(result.body),
            }
          : jsonResponse(result.statusCode, result.body);
        if (replayed) response.headers = { ...response.headers, "idempotent-replayed": "true" };
      } catch (error) {
        response = errorResponse(error, context.awsRequestId);
        if (response.statusCode >= 500) logger.error("request failed", { error: error as Error });
      }
      const failure =
        response.statusCode >= 400
          ? (JSON.parse(response.body) as { code: string; message: string })
          : undefined;
      try {
        await deps.audit.record(
          audit.tenantId ?? claims?.tid ?? platformTenant,
          apiAuditEvent({
            request: requestFacts(event.requestContext, {
              ...event.pathParameters,
              ...event.queryStringParameters,
              ...(body && typeof body === "object" ? (body as Record<string, unknown>) : {}),
            }),
            eventSource: options.eventSource,
            eventName: spec?.eventName ?? `${event.httpMethod} ${event.resource}`,
            readOnly: spec?.readOnly ?? true,
            region: process.env.AWS_REGION ?? "unknown",
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
    });
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
