import { useRef } from "preact/hooks";
import type { SiteRuleSet } from "../../../../shared/policies/site-rules.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { can, useSession } from "../../session/session.ts";
import { useLoad } from "../../ui/use-load.ts";
import type { SystemView } from "./responses.ts";

/** Every system of the unit (the dependency choices and names), a page of 100 at a time. */
export function useAllSystems() {
  return useLoad(async () => {
    const all: SystemView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const answer = await api.get("/systems", { query: { limit: 100, cursor } });
      all.push(...answer.items);
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    return all;
  }, []);
}

/** The unit's site rule set (R-CL-10), for the distance hint and defaults; the platform default until known. */
export function useSiteRuleSet(): SiteRuleSet | undefined {
  const session = useSession();
  const tenantId = session?.tenantId;
  const tenant = useLoad(
    async () =>
      tenantId && can("GET /tenants/{tenantId}", session)
        ? await api.get("/tenants/{tenantId}", { path: { tenantId } })
        : undefined,
    [tenantId],
  );
  return tenant.data?.siteRuleSet;
}

/**
 * Sends a submission with an Idempotency-Key that survives a lost answer: sent again with the same
 * body after the connection failed, it is answered once (no second system). Any answer, success or
 * refusal, ends the submission, so the next one (the user fixed something) is a new request.
 */
export function useSubmission() {
  const pending = useRef<{ body: string; key: string } | undefined>(undefined);
  return async <T>(body: unknown, send: (idempotencyKey: string) => Promise<T>): Promise<T> => {
    const text = JSON.stringify(body);
    if (pending.current?.body !== text) pending.current = { body: text, key: crypto.randomUUID() };
    try {
      const answer = await send(pending.current.key);
      pending.current = undefined;
      return answer;
    } catch (error) {
      const lost = isApiError(error) && (error.status === 0 || error.status === 502 || error.status === 504);
      if (!lost) pending.current = undefined;
      throw error;
    }
  };
}
