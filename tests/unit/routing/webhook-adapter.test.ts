import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../../../shared/errors.ts";
import type { FailoverPolicy } from "../../../shared/policies/policy-schema.ts";
import {
  FenceFailedError,
  RecoveryFailedError,
  ResyncFailedError,
  RouteSwitchFailedError,
} from "../../../shared/routing/errors.ts";
import type { RouteTarget } from "../../../shared/routing/route.ts";
import { WebhookAdapter } from "../../../shared/routing/webhook-adapter.ts";
import type { WebhookSecrets } from "../../../shared/routing/webhook-secrets.ts";
import { verifyWebhook } from "../../../shared/routing/webhook-signing.ts";

const secret = Buffer.alloc(32, 7);
const secrets: WebhookSecrets = {
  rotate: async () => secret.toString("base64url"),
  get: async (tenantId, systemId) =>
    tenantId === "t-1" && systemId === "s-000000000001" ? secret : undefined,
};

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A unit's endpoint on 127.0.0.1: answers each call with the next of `answers` (then the last). */
let server: Server;
let received: Received[];
let answers: (number | "hang")[];
let url: string;

beforeEach(async () => {
  received = [];
  answers = [200];
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)];
      if (answer === "hang") return;
      response.writeHead(answer ?? 200, answer === 302 ? { Location: "http://169.254.169.254/" } : {});
      response.end(JSON.stringify({ ok: answer === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/govdr/switch`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const policy = (): FailoverPolicy => ({
  mode: "manual",
  approvalRequired: true,
  adapter: "webhook",
  webhook: { url },
});
const target = (): RouteTarget => ({
  tenantId: "t-1",
  systemId: "s-000000000001",
  switchId: "sw-42",
  policy: policy(),
});
const adapter = (options: Partial<ConstructorParameters<typeof WebhookAdapter>[0]> = {}) =>
  new WebhookAdapter({ secrets, allowLoopback: true, attemptTimeoutMs: 300, backoffBaseMs: 5, ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as Error,
  );

describe("the webhook adapter", () => {
  it("posts a signed switch the unit's receiver verifies", async () => {
    const { detail } = await adapter().switchTo(target(), "dr");

    expect(received).toHaveLength(1);
    const [call] = received;
    if (!call) throw new Error("no call");
    expect(call.headers["content-type"]).toBe("application/json");
    expect(call.headers["idempotency-key"]).toBe("sw-42:s-000000000001:switch:dr");
    expect(call.headers["x-govdr-signature"]).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(
      verifyWebhook(
        secret,
        {
          timestamp: String(call.headers["x-govdr-timestamp"]),
          signature: String(call.headers["x-govdr-signature"]),
        },
        call.body,
        new Date(),
      ),
    ).toBe(true);
    expect(JSON.parse(call.body)).toEqual({
      action: "switch",
      site: "dr",
      tenantId: "t-1",
      systemId: "s-000000000001",
      switchId: "sw-42",
      idempotencyKey: "sw-42:s-000000000001:switch:dr",
    });
    expect(detail).toContain("HTTP 200");
  });

  it("sends a site action with its own action and site in the body and key", async () => {
    await adapter().act(target(), "fence", "primary");

    expect(JSON.parse(received[0]?.body ?? "{}")).toMatchObject({ action: "fence", site: "primary" });
    expect(received[0]?.headers["idempotency-key"]).toBe("sw-42:s-000000000001:fence:primary");
  });

  it("retries a 503 and then succeeds, with the same idempotency key and body on every attempt", async () => {
    answers = [503, 503, 200];

    const { detail } = await adapter().switchTo(target(), "dr");

    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["idempotency-key"]))).toEqual(
      new Set(["sw-42:s-000000000001:switch:dr"]),
    );
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(detail).toContain("attempt 3 of 4");
  });

  it("keeps the idempotency key of a switch the same when the task itself is retried", async () => {
    await adapter().switchTo(target(), "dr");
    await adapter().switchTo(target(), "dr");

    expect(received.map((r) => r.headers["idempotency-key"])).toEqual([
      "sw-42:s-000000000001:switch:dr",
      "sw-42:s-000000000001:switch:dr",
    ]);
  });

  it("retries a 429", async () => {
    answers = [429, 200];

    await adapter().switchTo(target(), "dr");

    expect(received).toHaveLength(2);
  });

  it("retries an attempt that times out", async () => {
    answers = ["hang", 200];

    const { detail } = await adapter().switchTo(target(), "dr");

    expect(received).toHaveLength(2);
    expect(detail).toContain("attempt 2");
  });

  it("gives up after four attempts with the action's named error", async () => {
    answers = [500];

    const error = await failure(adapter().act(target(), "resync", "primary"));

    expect(received).toHaveLength(4);
    expect(error).toBeInstanceOf(ResyncFailedError);
    expect(error.name).toBe("ResyncFailedError");
    expect(error.message).toContain("HTTP 500, after 4 attempts");
  });

  it("fails a 4xx at once with RouteSwitchFailedError, not retrying it", async () => {
    answers = [403];

    const error = await failure(adapter().switchTo(target(), "dr"));

    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(RouteSwitchFailedError);
    expect(error.name).toBe("RouteSwitchFailedError");
    expect(error.message).toContain("HTTP 403");
  });

  it("names the failure after the action: fence and unfence, promote", async () => {
    answers = [400];

    expect((await failure(adapter().act(target(), "fence", "primary"))).name).toBe("FenceFailedError");
    expect(await failure(adapter().act(target(), "unfence", "primary"))).toBeInstanceOf(FenceFailedError);
    expect(await failure(adapter().act(target(), "promote", "dr"))).toBeInstanceOf(RecoveryFailedError);
  });

  it("does not follow a redirect (it could lead to an address the platform must not call)", async () => {
    answers = [302];

    const error = await failure(adapter().switchTo(target(), "dr"));

    expect(received).toHaveLength(1);
    expect(error.message).toContain("redirects are not followed");
  });

  it("retries a refused connection, then fails with the named error", async () => {
    const closed = url;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer().listen(0, "127.0.0.1");

    const error = await failure(
      adapter().switchTo({ ...target(), policy: { ...policy(), webhook: { url: closed } } }, "dr"),
    );

    expect(error).toBeInstanceOf(RouteSwitchFailedError);
    expect(error.message).toContain("after 4 attempts");
  });

  it("refuses a loopback or private endpoint unless loopback is allowed, calling nothing", async () => {
    const error = await failure(adapter({ allowLoopback: false }).switchTo(target(), "dr"));
    expect(error).toBeInstanceOf(RouteSwitchFailedError);
    expect(error.cause).toBeInstanceOf(ValidationError);
    expect(error.message).toContain("127.0.0.1");

    const privateTarget = {
      ...target(),
      policy: { ...policy(), webhook: { url: "https://10.1.2.3/switch" } },
    };
    const fetched: unknown[] = [];
    const error2 = await failure(
      adapter({
        fetch: async (...args) => {
          fetched.push(args);
          return new Response();
        },
      }).switchTo(privateTarget, "dr"),
    );
    expect(error2.cause).toBeInstanceOf(ValidationError);
    expect(fetched).toHaveLength(0);
    expect(received).toHaveLength(0);
  });

  it("sends nothing when the system has no signing secret", async () => {
    const error = await failure(adapter().switchTo({ ...target(), systemId: "s-000000000002" }, "dr"));

    expect(error).toBeInstanceOf(RouteSwitchFailedError);
    expect(error.message).toContain("no webhook signing secret");
    expect(received).toHaveLength(0);
  });
});
