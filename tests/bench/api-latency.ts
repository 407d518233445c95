/**
 * p50/p95/p99 latency of GET /systems on the local stack (issue #3). Not part of `npm test`.
 * Run: npx govdr deploy && node --import tsx tests/bench/api-latency.ts [requests]
 * It signs in as a fresh tenant admin (through the real sign-in steps), creates 25 systems, warms
 * up, then sends `requests` sequential GET /systems?limit=25 and reports client-side wall times.
 */
import { call, signIn } from "../integration/support/api.ts";
import { localStack } from "../integration/support/emulator.ts";
import { seedTenantUser } from "../integration/support/seed.ts";

const requests = Number(process.argv[2] ?? 300);
const password = "Latency-Bench-2026!";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
const { token } = await signIn(user.userName, password);
for (let i = 0; i < 25; i++) {
  const created = await call("POST", "/systems", {
    token,
    body: {
      name: `系统${i}`,
      importanceClass: 3,
      drLevel: 3,
      recoveryPriority: 2,
      architecture: "remote-active-standby",
      assessedOn: "2026-10-01",
    },
  });
  if (created.status !== 201) throw new Error(`could not create system: ${JSON.stringify(created)}`);
}
const url = `${localStack().apiUrl}/systems?limit=25`;
const get = async () => {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { items: unknown[] };
  if (response.status !== 200 || body.items.length !== 25)
    throw new Error(`unexpected answer ${response.status}`);
  return performance.now() - started;
};
for (let i = 0; i < 20; i++) await get();
const times: number[] = [];
for (let i = 0; i < requests; i++) times.push(await get());
times.sort((a, b) => a - b);
const ms = (v: number) => v.toFixed(1);
process.stdout.write(
  `GET /systems?limit=25, ${requests} sequential requests after 20 warm-up, 25 systems in the tenant\n` +
    `p50 ${ms(percentile(times, 50))} ms  p95 ${ms(percentile(times, 95))} ms  p99 ${ms(percentile(times, 99))} ms  max ${ms(times.at(-1) as number)} ms\n`,
);
