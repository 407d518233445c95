import type { APIGatewayProxyEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { baseFunctionEnv } from "../../../shared/config/function-env.ts";
import { ValidationError } from "../../../shared/errors.ts";
import { defaultIdentitySettings } from "../../../shared/identity/settings.ts";
import { idempotentRunner } from "../../../shared/lambda/idempotency.ts";
import { resourceHandler } from "../../../shared/lambda/resource-handler.ts";
import { lambdaContext, loadEvent, withEnv } from "../../support/fixtures.ts";
import { claimsFor } from "../../support/identity-fixtures.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryIdempotencyStore } from "../../support/memory-idempotency.ts";
import { signedInNow } from "../../support/routes.ts";

function systemsApi() {
  const audit = new MemoryAuditLog();
  const store = new MemoryIdempotencyStore();
  let created = 0;
  const handler = resourceHandler(
    baseFunctionEnv,
    async () => ({
      audit,
      now: () => new Date(),
      settings: async () => defaultIdentitySettings,
      idempotency: idempotentRunner(store),
    }),
    {
      eventSource: "systems.govdr",
      routes: {
        "POST /systems": {
          eventName: "CreateSystem",
          readOnly: false,
          handle: async (_event, { body, audit: notes }) => {
            if ((body as { name?: string }).name === "bad") throw new ValidationError("bad name");
            created += 1;
            notes.resources = [{ type: "govdr::system", id: `s-${created}` }];
            return { statusCode: 201, body: { systemId: `s-${created}` } };
          },
        },
        "POST /users": {
          eventName: "CreateUser",
          readOnly: false,
          handle: async () => {
            created += 1;
            return { statusCode: 201, body: { oneTimePassword: `otp-${created}` } };
          },
        },
      },
    },
  );
  return { handler, audit, store, created: () => created };
}

function post(resource: string, body: unknown, headers: Record<string, string> = {}, sub = "u-admin0000001") {
  const base = loadEvent<APIGatewayProxyEvent>("api/get-health.json");
  return {
    ...base,
    httpMethod: "POST",
    resource,
    path: resource,
    headers: { ...base.headers, ...headers },
    body: JSON.stringify(body),
    requestContext: {
      ...base.requestContext,
      authorizer: { claims: JSON.stringify(signedInNow(claimsFor(["tenant-admin"], "t-1", sub))) },
    },
  } as APIGatewayProxyEvent;
}

describe("Idempotency-Key on mutating routes (issue 3, API quality)", () => {
  let restore: () => void = () => undefined;
  beforeEach(() => {
    restore = withEnv({ GOVDR_STAGE: "local", POWERTOOLS_SERVICE_NAME: "test", AWS_REGION: "cn-north-1" });
  });
  afterEach(() => restore());

  it("runs a retried request once and answers it again, marked as a replay, and audits both calls", async () => {
    const api = systemsApi();
    const request = post("/systems", { name: "门户" }, { "Idempotency-Key": "create-portal-0001" });

    const first = await api.handler(request, lambdaContext());
    const retry = await api.handler(
      { ...request, headers: { "idempotency-key": "create-portal-0001" } },
      lambdaContext(),
    );

    expect(api.created()).toBe(1);
    expect(first.statusCode).toBe(201);
    expect(retry).toMatchObject({ statusCode: 201, body: first.body });
    expect(retry.headers?.["idempotent-replayed"]).toBe("true");
    expect(first.headers?.["idempotent-replayed"]).toBeUndefined();
    await api.audit.chainAll();
    const events = (api.audit.chains.get("t-1") ?? []).map((r) => r.event);
    expect(
      events.map((e) => [e.eventName, e.resources[0]?.id, e.responseElements?.idempotentReplay]),
    ).toEqual([
      ["CreateSystem", "s-1", undefined],
      ["CreateSystem", "s-1", true],
    ]);
  });

  it("refuses the same key with another body (409 IDEMPOTENCY_KEY_REUSED) without running it", async () => {
    const api = systemsApi();
    await api.handler(
      post("/systems", { name: "门户" }, { "Idempotency-Key": "key-0000000001" }),
      lambdaContext(),
    );

    const reused = await api.handler(
      post("/systems", { name: "证照" }, { "Idempotency-Key": "key-0000000001" }),
      lambdaContext(),
    );

    expect(reused.statusCode).toBe(409);
    expect(JSON.parse(reused.body).code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(api.created()).toBe(1);
  });

  it("scopes keys to the caller: another user's identical key is a new request", async () => {
    const api = systemsApi();
    const headers = { "Idempotency-Key": "shared-key-00001" };
    await api.handler(post("/systems", { name: "门户" }, headers), lambdaContext());

    await api.handler(post("/systems", { name: "门户" }, headers, "u-other0000001"), lambdaContext());

    expect(api.created()).toBe(2);
  });

  it("forgets a failed request so that the client can retry it with the same key", async () => {
    const api = systemsApi();
    const headers = { "Idempotency-Key": "retry-after-400" };
    const failed = await api.handler(post("/systems", { name: "bad" }, headers), lambdaContext());
    expect(failed.statusCode).toBe(400);

    expect(api.store.records.size).toBe(0);
  });

  it("answers 400 with the header named for a malformed key, and remembers nothing", async () => {
    const api = systemsApi();

    const response = await api.handler(
      post("/systems", { name: "x" }, { "Idempotency-Key": "short" }),
      lambdaContext(),
    );

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).fieldErrors).toEqual([
      { path: "headers.Idempotency-Key", message: expect.any(String) },
    ]);
    expect(api.created()).toBe(0);
  });

  it("never stores an answer that holds a secret: one-time passwords are not replayed", async () => {
    const api = systemsApi();
    const headers = { "Idempotency-Key": "new-user-000001" };

    const first = await api.handler(post("/users", {}, headers), lambdaContext());
    const second = await api.handler(post("/users", {}, headers), lambdaContext());

    expect(api.store.records.size).toBe(0);
    expect(JSON.parse(first.body).oneTimePassword).not.toBe(JSON.parse(second.body).oneTimePassword);
  });

  it("leaves requests without a key alone", async () => {
    const api = systemsApi();

    await api.handler(post("/systems", { name: "门户" }), lambdaContext());
    await api.handler(post("/systems", { name: "门户" }), lambdaContext());

    expect(api.created()).toBe(2);
    expect(api.store.records.size).toBe(0);
  });
});
