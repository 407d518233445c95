/**
 * Load benchmark of one unit on the local stack (issue #17). Not part of `npm test`.
 * Run with `npm start` running: `npm run bench:load` (GOVDR_LOAD_SECONDS per level, default 20;
 * GOVDR_LOAD_LEVELS, default "1,4,16,64"). Each level first warms the emulator's Lambda workers up
 * for 3 s (not counted), then runs the realistic mix for the fixed time. A burst of 96 concurrent
 * session and tenant reads by one platform administrator follows. Last, it waits for the sequencer
 * and checks that the unit's chain verifies and holds an event for every answered request.
 */

import { platformTenant } from "../../shared/audit/api-event.ts";
import { verifyTrail } from "../../shared/audit/verify-trail.ts";
import type { DynamoDbAuditLog } from "../../shared/stores/dynamodb/audit-log.ts";
import { chainedAll, chainedRecords } from "../integration/support/audit.ts";
import { localStack } from "../integration/support/emulator.ts";
import { type LoadResult, runLoad, send, summarise, userAgentPrefix } from "../integration/support/load.ts";
import { loadTenant, realisticMix } from "../integration/support/load-tenant.ts";
import { deployedStores, platformUser } from "../integration/support/seed.ts";

const seconds = Number(process.env.GOVDR_LOAD_SECONDS ?? 20);
const levels = (process.env.GOVDR_LOAD_LEVELS ?? "1,4,16,64").split(",").map(Number);
const runId = `bench-${Date.now().toString(36)}`;

const ms = (v: number) => v.toFixed(0).padStart(6);
const statusText = (statuses: [number, number][]) => statuses.map(([s, n]) => `${s}×${n}`).join(" ");

try {
  localStack();
} catch {
  process.stderr.write("No local stack: start it first with `npm start` (in another terminal).\n");
  process.exit(2);
}

const unit = await loadTenant();
const mix = realisticMix(unit);
const answered: LoadResult[] = [];
process.stdout.write(
  `One unit (${unit.tenant.tenantId}), ${unit.systemIds.length} systems; mix: list 35%, get 20%, policy 15%, update 20% (same systems, so writes race), sign-in 10%; ${seconds} s a level\n\n`,
);
process.stdout.write("clients  requests  req/s   p50 ms  p95 ms  p99 ms  statuses\n");
for (const clients of levels) {
  answered.push(...(await runLoad({ clients, seconds: 3, mix, runId })).results);
  const { results, seconds: took } = await runLoad({ clients, seconds, mix, runId });
  answered.push(...results);
  const s = summarise(results, took);
  process.stdout.write(
    `${String(clients).padStart(7)}  ${String(s.requests).padStart(8)}  ${s.perSecond.toFixed(1).padStart(5)}  ${ms(s.p50)}  ${ms(s.p95)}  ${ms(s.p99)}  ${statusText(s.statuses)}\n`,
  );
}

const admin = await platformUser("platform-admin");
const burst = await Promise.all(
  Array.from({ length: 96 }, (_, i) =>
    send(
      {
        kind: "burst",
        method: "GET",
        path: i % 2 ? "/tenants?status=active" : "/auth/session",
        token: admin.token,
      },
      `${userAgentPrefix(runId)}burst-${i}`,
    ),
  ),
);
const burstEnded = performance.now();
const burstSummary = summarise(burst, 1);
process.stdout.write(
  `\nburst of 96 concurrent GET /auth/session + GET /tenants by one platform administrator: p50 ${burstSummary.p50.toFixed(0)} ms, p99 ${burstSummary.p99.toFixed(0)} ms, ${statusText(burstSummary.statuses)}\n`,
);

const started = performance.now();
const audit = deployedStores().audit as DynamoDbAuditLog;
const records = await chainedRecords(audit, unit.tenant.tenantId, 300_000);
const drained = (performance.now() - started) / 1000;
const verified = await verifyTrail(unit.tenant.tenantId, audit, new Date());
const agents = new Set(records.map((r) => r.event.userAgent));
const missing = answered.filter((r) => !agents.has(r.userAgent));
const serverErrors = [...answered, ...burst].filter((r) => r.status >= 500).length;
process.stdout.write(
  `\nchain of ${unit.tenant.tenantId}: ${verified.ok ? "verifies" : `BROKEN (${JSON.stringify(verified.firstProblem)})`}, ${verified.checked} records, ${verified.unchained.count} unchained; the sequencer finished ${drained.toFixed(1)} s after the last request\n` +
    `answered requests: ${answered.length}, without their event in the chain: ${missing.length}; 5xx answers: ${serverErrors}\n`,
);
await chainedAll(audit, platformTenant, 300_000);
const platform = await verifyTrail(platformTenant, audit, new Date());
process.stdout.write(
  `platform trail (the burst's events): ${platform.ok ? "verifies" : `BROKEN (${JSON.stringify(platform.firstProblem)})`}, all chained ${((performance.now() - burstEnded) / 1000).toFixed(1)} s after the burst\n`,
);
if (!platform.ok || !verified.ok || missing.length > 0 || serverErrors > 0) process.exitCode = 1;
