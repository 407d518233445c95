import { ApiError } from "./api-error.ts";
import { access, type OperationKey } from "./generated/access.ts";
import type { paths } from "./generated/openapi.ts";
import type { Responses } from "./responses.ts";

type Method = "get" | "post" | "put";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
/** The API's paths that answer `M`: calling any other is a type error. */
export type PathOf<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

type Parameters<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { parameters: infer A } ? A : never;
type PathParameters<P extends keyof paths, M extends Method> =
  Parameters<P, M> extends { path: infer A } ? A : never;
type QueryParameters<P extends keyof paths, M extends Method> =
  Parameters<P, M> extends { query?: infer A } ? A : never;
type Body<P extends keyof paths, M extends Method> =
  Operation<P, M> extends {
    requestBody: { content: { "application/json": infer B } };
  }
    ? B
    : never;

/** What a call needs besides its path, as the OpenAPI document types it. */
export type CallOptions<P extends keyof paths, M extends Method> = ([PathParameters<P, M>] extends [never]
  ? { path?: never }
  : { path: PathParameters<P, M> }) &
  ([QueryParameters<P, M>] extends [never] ? { query?: never } : { query?: QueryParameters<P, M> }) &
  ([Body<P, M>] extends [never] ? { body?: never } : { body: Body<P, M> }) & {
    /** Sent as `Idempotency-Key` where the route takes one; give the same key when retrying a submission. */
    idempotencyKey?: string;
    /** Skip the session's re-authentication on 401 (the sign-in steps themselves). */
    noReauth?: boolean;
    /** A sign-in step's own token instead of the tab's session (the session is untouched until full). */
    token?: string;
  };

/** What the session layer gives the client: the token, and a way to get a fresh sign-in. */
export interface SessionHooks {
  token(): string | undefined;
  /** Asks the user to sign in again; resolves once they have, rejects when they decline. */
  reauthenticate(reason: "expired" | "sensitive"): Promise<void>;
}

let hooks: SessionHooks = {
  token: () => undefined,
  reauthenticate: () => Promise.reject(new Error("no session")),
};
export const connectSession = (sessionHooks: SessionHooks) => {
  hooks = sessionHooks;
};

const apiBase = "/api";

export function urlOf(path: string, options: { path?: object; query?: object } = {}): string {
  const filled = path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = (options.path as Record<string, unknown> | undefined)?.[name];
    if (typeof value !== "string" || value === "") throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const query = search.toString();
  return `${apiBase}${filled}${query ? `?${query}` : ""}`;
}

const reauthCodes: Record<string, "expired" | "sensitive"> = {
  UNAUTHENTICATED: "expired",
  SESSION_ENDED: "expired",
  REAUTHENTICATION_REQUIRED: "sensitive",
};

async function send<T>(
  method: Method,
  path: string,
  options: Record<string, unknown>,
  read: (response: Response) => Promise<unknown> = (response) => response.json().catch(() => undefined),
): Promise<T> {
  const key = `${method.toUpperCase()} ${path}` as OperationKey;
  const operation = access[key];
  const idempotencyKey =
    operation?.idempotencyKey && method !== "get"
      ? ((options.idempotencyKey as string | undefined) ?? crypto.randomUUID())
      : undefined;
  const url = urlOf(path, options as { path?: object; query?: object });
  for (let attempt = 0; ; attempt++) {
    const token = (options.token as string | undefined) ?? hooks.token();
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    let response: Response;
    try {
      response = await fetch(url, {
        method: method.toUpperCase(),
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw new ApiError(0, { code: "NETWORK_UNREACHABLE" });
    }
    if (response.ok) return (await read(response)) as T;
    const body = await response.json().catch(() => undefined);
    const error = new ApiError(
      response.status,
      (body as Record<string, unknown> | undefined) ?? { code: "UNKNOWN" },
    );
    const reason = reauthCodes[error.code];
    // A session that expired, or an action that needs a fresh sign-in: the user signs in again over
    // the page (what they typed stays), and the call is sent once more with the new session.
    if (reason && token && !options.noReauth && !options.token && attempt === 0) {
      await hooks.reauthenticate(reason).catch(() => {
        throw error;
      });
      continue;
    }
    throw error;
  }
}

/** The answer of `METHOD /path`, as web/src/api/responses.ts maps it to shared/ domain types. */
export type Answer<K extends string> = K extends keyof Responses ? Responses[K] : unknown;
type Key<M extends Method, P extends string> = `${Uppercase<M>} ${P}`;

/** The API, typed by its OpenAPI document: paths, path and query parameters and bodies. */
export const api = {
  get: <P extends PathOf<"get">>(path: P, ...options: OptionalIfEmpty<CallOptions<P, "get">>) =>
    send<Answer<Key<"get", P>>>("get", path, (options[0] ?? {}) as Record<string, unknown>),
  post: <P extends PathOf<"post">>(path: P, ...options: OptionalIfEmpty<CallOptions<P, "post">>) =>
    send<Answer<Key<"post", P>>>("post", path, (options[0] ?? {}) as Record<string, unknown>),
  put: <P extends PathOf<"put">>(path: P, ...options: OptionalIfEmpty<CallOptions<P, "put">>) =>
    send<Answer<Key<"put", P>>>("put", path, (options[0] ?? {}) as Record<string, unknown>),
  /**
   * A file the API answers (a drill report, an audit export) as a Blob, with the session's token and
   * the same re-authentication as every call; hand it to `saveBlob`.
   */
  blob: <P extends PathOf<"get">>(path: P, ...options: OptionalIfEmpty<CallOptions<P, "get">>) =>
    send<Blob>("get", path, (options[0] ?? {}) as Record<string, unknown>, (response) => response.blob()),
  /** A URL the browser fetches itself (a report, an export), with the session's token added by the caller. */
  url: <P extends PathOf<"get">>(path: P, options: { path?: object; query?: object } = {}) =>
    urlOf(path, options),
};

/** Options may be left out when nothing in them is required. */
type OptionalIfEmpty<O> = Record<string, never> extends RequiredPart<O> ? [options?: O] : [options: O];
type RequiredPart<O> = { [K in keyof O as undefined extends O[K] ? never : K]: O[K] };

/** A page of a listing, as every list route answers. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Saves a Blob as a file in the browser's downloads (an `<a download>` on a Blob URL). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by then; the URL can go.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
