/**
 * The achieved RTO of a failover (issue #20, "Measure"; not part of `npm test`).
 * Run: npm run bench:failover [runs]   (default 3; needs the local stack deployed, e.g. by `npm start`
 * or `govdr deploy`; uses the emulator's own schedule of the heartbeat monitor, as `npm start` does)
 * 1. The demo service: a unit's demo system with the policy `npm start` gives it (automatic, 3 missed
 *    heartbeats 5 s apart, the signed webhook); kill the primary's process, poll the demo URL every
 *    100 ms, and time from the first missed heartbeat to the first page the DR site serves; then
 *    start the primary again and fail back (approved at once), for the next run.
 * 2. A plan of 6 systems in 3 waves (recovery priorities 4, 3, 2, two systems each, one dependency),
 *    started through the API and approved at once, its timings split as the record gives them.
 * Prints Markdown tables for docs/performance.md, against the class-1 target of 000 App. B (15 min).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startDemoFailover } from "../../cli/local-stack/demo-failover.ts";
import { pollUntil } from "../../cli/poll.ts";
import { call, signIn } from "../integration/support/api.ts";
import { policy, system } from "../integration/support/bodies.ts";
import { localStack } from "../integration/support/emulator.ts";
import { seedTenantUser } from "../integration/support/seed.ts";
import { testSite } from "../integration/support/sites.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const runs = Number(process.argv[2] ?? 3);
const password = "Bench-Failover-2026!";
const classOneRtoSeconds = 15 * 60;
type Json = Record<string, unknown>;
type Timings = {
  detectionSeconds: number;
  approvalSeconds: number;
  recoverySeconds: number;
  switchSeconds: number;
  totalSeconds: number;
};

const seeded = await seedTenantUser({ password, roles: ["tenant-admin"] });
const { token } = await signIn(seeded.user.userName, password);
const ended = (s: Json) => ["completed", "rolled-back", "failed", "rejected"].includes(s.status as string);
const until = (switchId: string, done: (s: Json) => boolean, what: string, timeoutMs = 180_000) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/failovers/${switchId}`, { token });
      return done(answer.body) ? answer.body : undefined;
    },
    { timeoutMs, intervalMs: 200, what },
  );
const seconds = (from: string | number, to: string | number) =>
  ((typeof to === "number" ? to : Date.parse(to)) - (typeof from === "number" ? from : Date.parse(from))) /
  1000;
const fixed = (n: number) => n.toFixed(1);

async function demoRuns() {
  const dir = await mkdtemp(path.join(tmpdir(), "govdr-bench-failover-"));
  const demo = await startDemoFailover(localStack(), seeded.user.userName, () => undefined, {
    dir,
    ports: { router: 0, primary: 0, dr: 0 },
  });
  if (!demo) throw new Error("the demo could not be set up");
  const rows: string[] = [];
  const servedBy = async () => {
    const answer = await fetch(demo.service.url).catch(() => undefined);
    return answer?.ok ? answer.headers.get("x-govdr-site") : null;
  };
  try {
    for (let run = 1; run <= runs; run++) {
      // A healthy primary whose heartbeat the monitor has seen answer, as before an incident.
      await pollUntil(
        async () => {
          const beats = await call("GET", `/systems/${demo.systemId}/heartbeats?limit=1`, { token });
          const state = beats.body.state as Json;
          return state.status === "healthy" && state.consecutiveFailures === 0 ? true : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1000, what: "a healthy heartbeat" },
      );
      const known = new Set(
        ((await call("GET", "/failovers", { token })).body.items as Json[]).map((s) => s.switchId),
      );
      const killedAt = Date.now();
      await demo.service.stopSite("primary");
      const firstDrPage = await pollUntil(
        async () => ((await servedBy()) === "dr" ? Date.now() : undefined),
        {
          timeoutMs: 240_000,
          intervalMs: 100,
          what: "the first page from the DR site",
        },
      );
      const switchover = ((await call("GET", "/failovers", { token })).body.items as Json[]).find(
        (s) => !known.has(s.switchId),
      ) as Json;
      const done = await until(switchover.switchId as string, ended, "the failover to end");
      const t = done.timings as Timings;
      const rto = seconds(done.declaredAt as string, firstDrPage);
      rows.push(
        `| ${run} | ${fixed(seconds(killedAt, done.declaredAt as string))} | ${fixed(t.detectionSeconds)} | ${fixed(t.approvalSeconds)} | ${fixed(t.recoverySeconds)} | ${fixed(t.switchSeconds)} | ${fixed(rto)} | ${fixed(seconds(killedAt, firstDrPage))} | ${fixed((100 * rto) / classOneRtoSeconds)} % |`,
      );
      process.stderr.write(`demo run ${run}: RTO ${fixed(rto)} s\n`);
      await demo.service.startSite("primary");
      await pollUntil(
        async () => {
          const beats = await call("GET", `/systems/${demo.systemId}/heartbeats?limit=1`, { token });
          return (beats.body.state as Json).status === "healthy" ? true : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 1000, what: "the primary's heartbeat to recover" },
      );
      const back = await call("POST", `/systems/${demo.systemId}/failbacks`, { token, body: {} });
      if (back.status !== 202) throw new Error(`failback: ${JSON.stringify(back.body)}`);
      await until(
        back.body.switchId as string,
        (s) => s.status === "awaiting-approval",
        "the failback's gate",
      );
      await call("POST", `/failovers/${back.body.switchId}/approve`, { token, body: {} });
      const returned = await until(back.body.switchId as string, ended, "the failback");
      if (returned.status !== "completed") throw new Error(`failback ended ${JSON.stringify(returned)}`);
    }
  } finally {
    await demo.service.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return [
    "| run | kill → first missed heartbeat (s) | detection: first miss → failover started (s) | approval (s) | recovery (s) | switch (s) | RTO: first miss → first DR page (s) | kill → first DR page (s) | of the class-1 RTO (15 min) |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

async function planRun() {
  const primary = await testSite("primary");
  const dr = await testSite("dr");
  try {
    const specs = [
      { name: "统一身份认证", recoveryPriority: 4 },
      { name: "电子证照库", recoveryPriority: 4 },
      { name: "政务服务门户", recoveryPriority: 3, dependsOn: [0] },
      { name: "12345 热线", recoveryPriority: 3 },
      { name: "数据共享交换", recoveryPriority: 2 },
      { name: "内部办公", recoveryPriority: 2 },
    ];
    const ids: string[] = [];
    for (const spec of specs) {
      const created = await call("POST", "/systems", {
        token,
        body: system(spec.name, {
          recoveryPriority: spec.recoveryPriority,
          healthEndpoint: primary.url,
          dependsOn: (spec.dependsOn ?? []).map((i) => ids[i]),
        }),
      });
      if (created.status !== 201) throw new Error(`system: ${JSON.stringify(created.body)}`);
      const systemId = created.body.systemId as string;
      const body = policy({ kind: "every", minutes: 30 }, "real-time");
      const set = await call("PUT", `/systems/${systemId}/policy`, {
        token,
        body: { ...body, failover: { ...body.failover, drHealthEndpoint: dr.url } },
      });
      if (set.status !== 200) throw new Error(`policy: ${JSON.stringify(set.body)}`);
      ids.push(systemId);
    }
    const started = await call("POST", "/failovers", {
      token,
      body: { systems: ids, reason: "bench: 3 waves" },
    });
    if (started.status !== 202) throw new Error(`plan: ${JSON.stringify(started.body)}`);
    const switchId = started.body.switchId as string;
    await until(switchId, (s) => s.status === "awaiting-approval", "the plan's gate");
    await call("POST", `/failovers/${switchId}/approve`, { token, body: {} });
    const done = await until(switchId, ended, "the plan to end");
    if (done.status !== "completed") throw new Error(`plan ended ${JSON.stringify(done)}`);
    const t = done.timings as Timings;
    const waves = (done.waves as { startedAt: string; finishedAt: string; systems: Json[] }[]).map(
      (wave, i) =>
        `| wave ${i + 1} | ${wave.systems.length} | ${fixed(seconds(wave.startedAt, wave.finishedAt))} | ${wave.systems
          .map((s) => fixed((s.achieved as { rtoSeconds: number }).rtoSeconds))
          .join(", ")} |`,
    );
    return [
      `| detection (s) | approval (s) | recovery (s) | switch (s) | total: request → last system verified (s) | slowest system's RTO (s) | of the class-1 RTO (15 min) |`,
      "|---|---|---|---|---|---|---|",
      `| ${fixed(t.detectionSeconds)} | ${fixed(t.approvalSeconds)} | ${fixed(t.recoverySeconds)} | ${fixed(t.switchSeconds)} | ${fixed(t.totalSeconds)} | ${fixed((done.achieved as { rtoSeconds: number }).rtoSeconds)} | ${fixed((100 * (done.achieved as { rtoSeconds: number }).rtoSeconds) / classOneRtoSeconds)} % |`,
      "",
      "| wave | systems | wave start → end (s) | each system's RTO (s) |",
      "|---|---|---|---|",
      ...waves,
    ].join("\n");
  } finally {
    await primary.close();
    await dr.close();
  }
}

const plan = await planRun();
process.stdout.write(`\n### A plan of 6 systems in 3 waves\n\n${plan}\n`);
const demo = await demoRuns();
process.stdout.write(`\n### The demo service: kill the primary\n\n${demo}\n`);
