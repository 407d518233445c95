import { randomUUID } from "node:crypto";
import { localStack } from "./emulator.ts";

/**
 * A bounded load driver for the local stack (issue #17): `clients` concurrent callers send requests
 * drawn from a weighted mix until `seconds` have passed or each sent `requestsPerClient`. Every
 * request carries a User-Agent naming it, so the audit trail can be searched for each one later.
 */

export interface LoadRequest {
  kind: string;
  method: string;
  path: string;
  token?: string;
  body?: unknown;
}

export interface LoadResult {
  kind: string;
  status: number;
  ms: number;
  userAgent: string;
}

export interface MixEntry {
  weight: number;
  /** Builds the request; `answer` runs it, so an entry may send a read before its write. */
  request: () => Promise<LoadRequest> | LoadRequest;
}

export interface LoadOptions {
  clients: number;
  seconds?: number;
  requestsPerClient?: number;
  mix: MixEntry[];
  /** Tags every User-Agent, so this run's events are told apart from earlier ones. */
  runId?: string;
}

export const userAgentPrefix = (runId: string) => `govdr-load/${runId}/`;

export async function send(request: LoadRequest, userAgent: string): Promise<LoadResult> {
  const started = performance.now();
  const response = await fetch(`${localStack().apiUrl}${request.path}`, {
    method: request.method,
    headers: {
      "content-type": "application/json",
      "user-agent": userAgent,
      ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
    },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  await response.arrayBuffer();
  return { kind: request.kind, status: response.status, ms: performance.now() - started, userAgent };
}

function pick(mix: MixEntry[]): MixEntry {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let draw = Math.random() * total;
  for (const entry of mix) {
    draw -= entry.weight;
    if (draw < 0) return entry;
  }
  return mix.at(-1) as MixEntry;
}

export async function runLoad(options: LoadOptions): Promise<{ results: LoadResult[]; seconds: number }> {
  const runId = options.runId ?? randomUUID().slice(0, 8);
  const deadline = options.seconds ? performance.now() + options.seconds * 1000 : Number.POSITIVE_INFINITY;
  const perClient = options.requestsPerClient ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(deadline) && !Number.isFinite(perClient)) {
    throw new Error("runLoad needs seconds or requestsPerClient, so that it stops by itself");
  }
  const results: LoadResult[] = [];
  const started = performance.now();
  let serial = 0;
  const client = async () => {
    for (let sent = 0; sent < perClient && performance.now() < deadline; sent++) {
      const request = await pick(options.mix).request();
      results.push(await send(request, `${userAgentPrefix(runId)}${serial++}`));
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { results, seconds: (performance.now() - started) / 1000 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function summarise(results: LoadResult[], seconds: number) {
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const { status } of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  return {
    requests: results.length,
    perSecond: results.length / seconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    statuses: [...statuses.entries()].sort(([a], [b]) => a - b),
    serverErrors: results.filter((r) => r.status >= 500).length,
  };
}
