import { describe, expect, it } from "vitest";
import type { SessionStore } from "../../../shared/stores/stores.ts";
import { at, sessionRecord } from "./fixtures.ts";

export function sessionStoreContract(name: string, make: () => Promise<{ store: SessionStore }>): void {
  describe(`SessionStore contract: ${name}`, () => {
    it("creates a session and reads it back", async () => {
      const { store } = await make();
      const session = sessionRecord();

      await store.create(session);

      expect(await store.get(session.sid)).toEqual(session);
    });

    it("answers undefined for a session that does not exist", async () => {
      const { store } = await make();

      expect(await store.get(sessionRecord().sid)).toBeUndefined();
    });

    it("keeps the expiry to the second (the table's TTL is in epoch seconds)", async () => {
      const { store } = await make();
      const session = sessionRecord({ expiresAt: "2026-11-21T08:15:00.750Z" });

      await store.create(session);

      expect((await store.get(session.sid))?.expiresAt).toBe("2026-11-21T08:15:00.000Z");
    });

    it("refuses a second session with the same id, as DynamoDB's failed condition, and keeps the first", async () => {
      const { store } = await make();
      const session = sessionRecord();
      await store.create(session);

      await expect(store.create({ ...session, userId: "u-someoneelse1" })).rejects.toMatchObject({
        name: "ConditionalCheckFailedException",
      });
      expect(await store.get(session.sid)).toEqual(session);
    });

    it("records activity on touch", async () => {
      const { store } = await make();
      const session = sessionRecord();
      await store.create(session);

      await store.touch(session.sid, at(5));

      expect(await store.get(session.sid)).toEqual({ ...session, lastSeenAt: at(5) });
    });

    it("revokes a session for good: a later touch records nothing", async () => {
      const { store } = await make();
      const session = sessionRecord();
      await store.create(session);

      await store.revoke(session.sid);
      await store.touch(session.sid, at(5));
      await store.revoke(session.sid);

      expect(await store.get(session.sid)).toEqual({ ...session, revoked: true });
    });

    it("touches and revokes a session that does not exist without error, and creates none", async () => {
      const { store } = await make();
      const { sid } = sessionRecord();

      await expect(store.touch(sid, at(5))).resolves.toBeUndefined();
      await expect(store.revoke(sid)).resolves.toBeUndefined();
      expect(await store.get(sid)).toBeUndefined();
    });
  });
}
