/**
 * The inbox side of the ChatStore contract (admit, claim, commit/release of an
 * inbox lease, stranded), run against the memory and the Redis store.
 */
import { describe, expect, it } from "vitest";
import type { AdmitOptions, ChatStore, Claim } from "../../src/stores.ts";

const OPTIONS: AdmitOptions = { limit: 3, noticeMs: 60_000, claim: false };
const CLAIM: AdmitOptions = { ...OPTIONS, claim: true };

export interface InboxSubject {
  store: ChatStore;
  /** Simulates the death of the lock holder: the chat's lock expires now (durable stores only). */
  expireLock?: (chat: string) => Promise<void>;
}

async function claimed(store: ChatStore, chat: string): Promise<Claim> {
  const result = await store.claim(chat);
  if (result.status !== "claimed") throw new Error(`expected a claim, got ${result.status}`);
  return result;
}

export function chatInboxContract(name: string, make: () => Promise<InboxSubject>): void {
  describe(`chat inbox contract: ${name}`, () => {
    it("a free chat: admit with claim takes the lock and hands back the update; commit empties the inbox", async () => {
      const { store } = await make();
      const r = await store.admit("c1", 10, '{"u":10}', CLAIM);
      expect(r.status).toBe("claimed");
      if (r.status !== "claimed") return;
      expect(r.claim.payload).toBe('{"u":10}');
      expect(r.claim.lease).toMatchObject({ chat: "c1", updateId: 10, inbox: true, done: false });
      expect(r.claim.lease.session).toBeUndefined();
      await store.commit(r.claim.lease, { v: 1, step: "a" });
      expect(r.claim.lease.waiting).toBe(0);
      expect(await store.peek("c1")).toEqual({ v: 1, step: "a" });
      expect((await store.admit("c1", 10, '{"u":10}', CLAIM)).status).toBe("duplicate");
      expect((await store.claim("c1")).status).toBe("empty");
    });

    it("a busy chat: updates wait in order behind the lock holder, who finds them after its commit", async () => {
      const { store } = await make();
      const first = await store.admit("c2", 1, "one", CLAIM);
      if (first.status !== "claimed") throw new Error("not claimed");
      expect((await store.admit("c2", 2, "two", CLAIM)).status).toBe("queued");
      expect((await store.admit("c2", 3, "three", OPTIONS)).status).toBe("queued");
      expect((await store.claim("c2")).status).toBe("busy");
      await store.commit(first.claim.lease, { n: 1 });
      expect(first.claim.lease.waiting).toBe(2);
      const second = await claimed(store, "c2");
      expect([second.lease.updateId, second.payload, second.lease.session]).toEqual([2, "two", { n: 1 }]);
      await store.commit(second.lease, { n: 2 });
      const third = await claimed(store, "c2");
      expect(third.payload).toBe("three");
      await store.commit(third.lease, { n: 3 });
      expect(third.lease.waiting).toBe(0);
      expect((await store.claim("c2")).status).toBe("empty");
      expect(await store.peek("c2")).toEqual({ n: 3 });
    });

    it("an update already waiting or applied is a duplicate; a full inbox drops, notifying once per interval", async () => {
      const { store } = await make();
      for (const id of [1, 2, 3])
        expect((await store.admit("c3", id, `u${id}`, OPTIONS)).status).toBe("queued");
      expect((await store.admit("c3", 2, "u2", OPTIONS)).status).toBe("duplicate");
      expect(await store.admit("c3", 4, "u4", OPTIONS)).toEqual({ status: "full", notify: true });
      expect(await store.admit("c3", 5, "u5", OPTIONS)).toEqual({ status: "full", notify: false });
      const head = await claimed(store, "c3");
      expect(head.payload).toBe("u1");
    });

    it("release marks an inbox update applied without touching the session, and takes it out of the inbox", async () => {
      const { store } = await make();
      const a = await store.admit("c4", 1, "a", CLAIM);
      if (a.status !== "claimed") throw new Error("not claimed");
      await store.commit(a.claim.lease, { kept: true });
      await store.admit("c4", 2, "b", OPTIONS);
      const b = await claimed(store, "c4");
      await store.release(b.lease);
      expect(b.lease.waiting).toBe(0);
      expect(await store.peek("c4")).toEqual({ kept: true });
      expect((await store.admit("c4", 2, "b", OPTIONS)).status).toBe("duplicate");
      expect((await store.claim("c4")).status).toBe("empty");
    });

    it("extends a running lease's lock; stranded lists an inbox whose lock is free", async () => {
      const { store } = await make();
      await store.admit("c5", 1, "a", OPTIONS);
      expect(await store.stranded(10)).toContain("c5");
      const a = await claimed(store, "c5");
      expect(await store.stranded(10)).not.toContain("c5");
      expect(await store.extend(a.lease)).toBe(true);
      await store.commit(a.lease, undefined);
      expect(await store.extend(a.lease)).toBe(false);
      expect(await store.stranded(10)).not.toContain("c5");
    });

    it("a holder that dies mid-update: once its lock expires the update is stranded, claimed again and applied once", async (ctx) => {
      const subject = await make();
      if (subject.expireLock === undefined) return ctx.skip();
      const { store } = subject;
      const a = await store.admit("c6", 7, "seven", CLAIM);
      if (a.status !== "claimed") throw new Error("not claimed");
      await store.admit("c6", 8, "eight", OPTIONS);
      // The holder dies here: no commit, no release.
      await subject.expireLock("c6");
      expect(await store.stranded(10)).toContain("c6");
      const again = await claimed(store, "c6");
      expect([again.lease.updateId, again.payload]).toEqual([7, "seven"]);
      await store.commit(again.lease, { n: 7 });
      // The dead holder's late commit is fenced off.
      await expect(store.commit(a.claim.lease, { n: -1 })).rejects.toThrow();
      const next = await claimed(store, "c6");
      expect(next.payload).toBe("eight");
      await store.commit(next.lease, { n: 8 });
      expect(await store.peek("c6")).toEqual({ n: 8 });
      expect((await store.admit("c6", 7, "seven", OPTIONS)).status).toBe("duplicate");
      expect(await store.stranded(10)).not.toContain("c6");
    });
  });
}
