import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoFailover, startDemoFailover } from "../../cli/local-stack/demo-failover.ts";
import { pollUntil } from "../../cli/poll.ts";
import { call, signIn } from "./support/api.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { seedTenantUser } from "./support/seed.ts";

const password = "Demo-Failover-2026!";
let work: string;
let demo: DemoFailover;
let token: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-demo-failover-"));
  const seeded = await seedTenantUser({ password, roles: ["tenant-admin"] });
  token = (await signIn(seeded.user.userName, password)).token;
  const started = await startDemoFailover(localStack(), seeded.user.userName, () => undefined, {
    dir: work,
    ports: { router: 0, primary: 0, dr: 0 },
  });
  if (!started) throw new Error("the demo failover was not set up");
  demo = started;
});
afterAll(async () => {
  await demo?.service.stop();
  await rm(work, { recursive: true, force: true });
});

/** Which site the demo page (through the router) comes from, or undefined while none answers. */
async function servedBy(): Promise<string | undefined> {
  const answer = await fetch(demo.service.url).catch(() => undefined);
  return answer?.ok ? (answer.headers.get("x-govdr-site") ?? undefined) : undefined;
}

/** Runs the deployed heartbeat monitor for a short window, as its schedule does every minute. */
async function monitorWindow(seconds: number) {
  const { FunctionError, Payload } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({
      FunctionName: localStack().heartbeatMonitorFunction,
      Payload: Buffer.from(JSON.stringify({ windowSeconds: seconds })),
    }),
  );
  expect(FunctionError, Buffer.from(Payload ?? []).toString()).toBeUndefined();
}

type Json = Record<string, unknown>;
const ended = (s: Json) => ["completed", "rolled-back", "failed", "rejected"].includes(s.status as string);
const switchover = (switchId: string, done: (s: Json) => boolean, what: string) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/failovers/${switchId}`, { token });
      return done(answer.body) ? answer.body : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, what },
  );

describe("the demo service of the local stack (issue #20, item 6)", () => {
  it("fails over to the DR site when its primary process is killed, through the signed webhook, and fails back with the DR side's writes", async () => {
    expect(await servedBy()).toBe("primary");
    const write = await fetch(`${demo.service.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ author: "test", text: "before the failover" }),
    });
    expect(write.status).toBe(201);

    await demo.service.stopSite("primary");
    await monitorWindow(25);
    const [started] = (await call("GET", "/failovers", { token })).body.items as Json[];
    expect(started).toMatchObject({ trigger: "heartbeat", kind: "failover" });
    const done = await switchover(started?.switchId as string, ended, "the automatic failover");
    expect(done, JSON.stringify(done)).toMatchObject({ status: "completed" });
    await pollUntil(async () => ((await servedBy()) === "dr" ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "the page to come from the DR site",
    });
    const steps = ((done.waves as { systems: { steps: { name: string; detail?: string }[] }[] }[])[0]
      ?.systems[0]?.steps ?? []) as { name: string; detail?: string }[];
    expect(steps.find((s) => s.name === "fence")?.detail).toContain("primary site fenced");
    const drWrite = await fetch(`${demo.service.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ author: "test", text: "written on the DR site" }),
    });
    expect(drWrite.status).toBe(201);

    await demo.service.startSite("primary");
    await monitorWindow(6);
    const back = await call("POST", `/systems/${demo.systemId}/failbacks`, { token, body: {} });
    expect(back.status, JSON.stringify(back.body)).toBe(202);
    await switchover(
      back.body.switchId as string,
      (s) => s.status === "awaiting-approval",
      "the failback's gate",
    );
    expect((await call("POST", `/failovers/${back.body.switchId}/approve`, { token, body: {} })).status).toBe(
      200,
    );
    const returned = await switchover(back.body.switchId as string, ended, "the failback");
    expect(returned, JSON.stringify(returned)).toMatchObject({ status: "completed" });
    await pollUntil(async () => ((await servedBy()) === "primary" ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "the page to come from the primary again",
    });
    const { messages } = (await (await fetch(`${demo.service.url}/messages.json`)).json()) as {
      messages: { text: string }[];
    };
    expect(messages.map((m) => m.text)).toEqual(
      expect.arrayContaining(["before the failover", "written on the DR site"]),
    );
  });
});
