import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { routeDoc } from "../api/routes.ts";
import { ConflictError, ValidationError } from "../errors.ts";

export const idempotencyHeader = "Idempotency-Key";

/** Mutating routes of the catalogue, except those whose answers hold credentials (RouteDoc). */
export function acceptsIdempotencyKey(method: string, resource: string): boolean {
  const doc = routeDoc(method, resource);
  return !!doc && method !== "GET" && doc.idempotencyKey !== false;
}
const keyPattern = /^[A-Za-z0-9._:-]{8,128}$/;

/** A retried request with the same key within this time gets the first answer again. */
export const idempotencyWindowSeconds = 24 * 60 * 60;

/** The request's `Idempotency-Key` (any letter case), or undefined; a malformed key is a 400. */
export function idempotencyKeyOf(event: Pick<APIGatewayProxyEvent, "headers">): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === idempotencyHeader.toLowerCase(),
  );
  if (entry?.[1] === undefined) return undefined;
  const key = entry[1];
  if (!keyPattern.test(key)) {
    throw new ValidationError(`${idempotencyHeader} is malformed`, [
      { path: `headers.${idempotencyHeader}`, message: "8 to 128 characters of A-Z a-z 0-9 . _ : -" },
    ]);
  }
  return key;
}

/** What identifies a retry: the same caller, route and key. The payload must match too. */
export interface IdempotentRequest {
  scope: string;
  payload: unknown;
}

/**
 * Runs mutating routes at most once per key (Powertools idempotency, records in DynamoDB with a TTL).
 * A success is remembered and answered again; a failure is forgotten, so the client may retry it.
 * The same key with another payload is a 409 IDEMPOTENCY_KEY_REUSED; a retry while the first request
 * still runs is a 409 IDEMPOTENCY_IN_PROGRESS.
 */
export function idempotentRunner(persistenceStore: BasePersistenceLayer) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "scope",
    payloadValidationJmesPath: "payload",
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: idempotencyWindowSeconds,
  });
  const once = makeIdempotent(
    async <T>(_request: IdempotentRequest, execute: () => Promise<T>): Promise<T> => execute(),
    { persistenceStore, config, dataIndexArgument: 0 },
  );
  return async <T>(
    request: IdempotentRequest,
    context: Context,
    execute: () => Promise<T>,
  ): Promise<{ outcome: T; replayed: boolean }> => {
    config.registerLambdaContext(context);
    let executed = false;
    try {
      const outcome = (await once(request, async () => {
        executed = true;
        return execute();
      })) as T;
      return { outcome, replayed: !executed };
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new ConflictError(
          `This ${idempotencyHeader} was already used for a different request`,
          "IDEMPOTENCY_KEY_REUSED",
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new ConflictError(
          `A request with this ${idempotencyHeader} is still in progress; retry shortly`,
          "IDEMPOTENCY_IN_PROGRESS",
        );
      }
      throw error;
    }
  };
}

export type IdempotentRunner = ReturnType<typeof idempotentRunner>;
