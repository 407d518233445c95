import type { Role } from "../../../shared/identity/roles.ts";
import { api, connectSession } from "../api/client.ts";
import { access, type OperationKey } from "../api/generated/access.ts";
import type { SignInGrant } from "../pages/auth/responses.ts";
import { createStore } from "../store.ts";

/** A full session: who is signed in, with which roles, until when its token is good. */
export interface Session {
  token: string;
  expiresAt: string;
  userName: string;
  userId: string;
  tenantId: string;
  roles: Role[];
  /** When the user last proved who they are (seconds): sensitive actions need it within 5 minutes. */
  authTime: number;
}

const storageKey = "govdr.session";

function stored(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(storageKey) ?? "null") as Session | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

/** The tab's session, kept in sessionStorage so a reload stays signed in and a closed tab does not. */
export const sessionStore = createStore<Session | undefined>(stored());

sessionStore.subscribe((session) => {
  if (session) sessionStorage.setItem(storageKey, JSON.stringify(session));
  else sessionStorage.removeItem(storageKey);
});

export const useSession = () => sessionStore.use();

/** Turns a full grant into the tab's session. */
export async function establish(grant: SignInGrant, userName: string): Promise<Session> {
  const info = await fetch("/api/auth/session", { headers: { authorization: `Bearer ${grant.token}` } });
  if (!info.ok) throw new Error(`session lookup answered ${info.status}`);
  const who = (await info.json()) as { userId: string; tenantId: string; roles: Role[]; authTime: number };
  const session: Session = {
    token: grant.token,
    expiresAt: grant.expiresAt,
    userName,
    userId: who.userId,
    tenantId: who.tenantId,
    roles: who.roles,
    authTime: who.authTime,
  };
  sessionStore.set(session);
  return session;
}

export async function signOut(): Promise<void> {
  const session = sessionStore.get();
  sessionStore.set(undefined);
  if (session) {
    await fetch("/api/auth/logout", {
      method: "POST",
      headers: { authorization: `Bearer ${session.token}` },
    }).catch(() => undefined);
  }
}

/** May the signed-in user call this operation (its roles, from the route declarations)? */
export function can(operation: OperationKey, session: Session | undefined = sessionStore.get()): boolean {
  const rule = access[operation];
  if (rule.public) return true;
  if (!session) return false;
  return rule.roles.length === 0 || rule.roles.some((role) => session.roles.includes(role as Role));
}

export const isPlatformUser = (session: Session | undefined) => session?.tenantId === "platform";

// ── Re-authentication: an expired session, or a sensitive action, asks for the password again ──

export interface ReauthRequest {
  reason: "expired" | "sensitive" | "idle";
  done: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export const reauthStore = createStore<ReauthRequest | undefined>(undefined);

export function reauthenticate(reason: ReauthRequest["reason"]): Promise<void> {
  const pending = reauthStore.get();
  if (pending) return pending.done;
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  const request: ReauthRequest = {
    reason,
    done,
    resolve: () => {
      reauthStore.set(undefined);
      resolve();
    },
    reject: (error) => {
      reauthStore.set(undefined);
      reject(error);
    },
  };
  reauthStore.set(request);
  return done;
}

connectSession({ token: () => sessionStore.get()?.token, reauthenticate });

// ── Keeping an active session alive, and locking an idle one ──

const refreshBeforeExpiryMs = 4 * 60_000;
let lastActivity = Date.now();
let lastRefresh = Date.now();

/**
 * While the user works, the token is renewed before it expires (POST /auth/refresh). A user who has
 * done nothing since the last renewal lets it expire: the API's idle timeout ends the session, and
 * the console covers the page with a sign-in, keeping the page and what was typed underneath.
 */
export function startKeepAlive(): () => void {
  const touch = () => {
    lastActivity = Date.now();
  };
  const events = ["pointerdown", "keydown", "wheel"] as const;
  for (const event of events) window.addEventListener(event, touch, { passive: true });
  const timer = window.setInterval(() => void tick(), 15_000);
  return () => {
    window.clearInterval(timer);
    for (const event of events) window.removeEventListener(event, touch);
  };
}

async function tick(): Promise<void> {
  const session = sessionStore.get();
  if (!session || reauthStore.get()) return;
  const left = Date.parse(session.expiresAt) - Date.now();
  if (left <= 0) {
    void reauthenticate("idle").catch(() => undefined);
    return;
  }
  if (left < refreshBeforeExpiryMs && lastActivity > lastRefresh) {
    lastRefresh = Date.now();
    const grant = await api.post("/auth/refresh", { noReauth: true }).catch(() => undefined);
    const current = sessionStore.get();
    if (grant && current && current.token === session.token)
      sessionStore.set({ ...current, token: grant.token, expiresAt: grant.expiresAt });
  }
}
