import { performance } from "node:perf_hooks";
import { ValidationError } from "../errors.ts";
import { checkOutboundUrl } from "../net/outbound-url.ts";
import type { HeartbeatSample } from "./heartbeat.ts";

/** What one probe found: a sample without whose and when. */
export type ProbeResult = Pick<HeartbeatSample, "ok" | "latencyMs" | "httpStatus" | "error">;

export interface ProbeOptions {
  /** The local stage only: its systems' endpoints are on 127.0.0.1 (D-46). */
  allowLoopback: boolean;
  fetch?: typeof fetch;
}

const maxErrorLength = 300;

/** Node's fetch wraps the socket's error in `cause`: its code says more than "fetch failed". */
function errorText(error: unknown, timeoutMs: number): string {
  const name = (error as Error).name;
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "the host does not resolve",
    EAI_AGAIN: "the host does not resolve (DNS is unavailable)",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
    UND_ERR_CONNECT_TIMEOUT: `no connection within ${timeoutMs} ms`,
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${timeoutMs} ms`,
  };
  const text =
    (code && known[code]) ??
    (cause?.message ? `${(error as Error).message}: ${cause.message}` : String(error));
  return text.slice(0, maxErrorLength);
}

/** Rejects when the signal aborts, so that a step that cannot be aborted (a DNS lookup) is bounded too. */
const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/**
 * One GET of a health endpoint from the platform (000 §7.5.5(2)): a 2xx answer within the timeout is
 * OK; anything else (another status, a redirect, a timeout, a refused connection, an address the
 * platform does not call) is a miss with its reason. Never throws; the body is only drained.
 */
export async function probe(url: string, timeoutMs: number, options: ProbeOptions): Promise<ProbeResult> {
  const doFetch = options.fetch ?? fetch;
  const started = performance.now();
  const latencyMs = () => Math.max(0, Math.round(performance.now() - started));
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await Promise.race([
      checkOutboundUrl(url, "healthEndpoint", { allowLoopback: options.allowLoopback }),
      aborted(signal),
    ]);
  } catch (error) {
    if (error instanceof ValidationError) {
      const detail = error.fieldErrors[0]?.message;
      return { ok: false, latencyMs: 0, error: (detail ?? error.message).slice(0, maxErrorLength) };
    }
    return { ok: false, latencyMs: latencyMs(), error: errorText(error, timeoutMs) };
  }
  try {
    const response = await doFetch(url, {
      method: "GET",
      redirect: "manual",
      signal,
      headers: { "user-agent": "govdr-heartbeat/1", accept: "*/*" },
    });
    const elapsed = latencyMs();
    // Not read: cancelling frees the connection whatever the body's size.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      latencyMs: elapsed,
      httpStatus: response.status,
      ...(ok ? {} : { error: `answered HTTP ${response.status}` }),
    };
  } catch (error) {
    return { ok: false, latencyMs: latencyMs(), error: errorText(error, timeoutMs) };
  }
}
