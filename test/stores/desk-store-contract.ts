/**
 * The DeskStore contract, run against every implementation (memory and
 * PostgreSQL): the outbox's delivery rules and the desk records.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CASE_VERSION, type Case, ERASED } from "../../src/core/desk/case.ts";
import type { OutboxItem, OutboxLimits, SendOutcome } from "../../src/core/outbox.ts";
import type { DeskStore } from "../../src/stores.ts";

export const T0 = 1_700_000_000_000;
const GROUP = "tg:-1001234567890";
const USER = "tg:4242";

const item = (id: string, to = GROUP, extra: Partial<OutboxItem> = {}): OutboxItem => ({
  id,
  to,
  group: to.startsWith("tg:-"),
  message: { type: "text", text: id },
  ...extra,
});

/** A fake transport: answers with `answer(item, attempt)` (default ok) and records every call. */
function transport(answer: (item: OutboxItem, call: number) => SendOutcome = () => ok()) {
  const calls: { id: string; to: string; at: number; ok: boolean }[] = [];
  let now = 0;
  return {
    calls,
    delivered: () => calls.filter((c) => c.ok),
    at(t: number) {
      now = t;
      return this;
    },
    send: async (it: OutboxItem): Promise<SendOutcome> => {
      const call = { id: it.id, to: it.to, at: now, ok: false };
      calls.push(call);
      const outcome = answer(it, calls.filter((c) => c.id === it.id).length);
      call.ok = outcome.ok;
      return outcome;
    },
  };
}

const ok = (ref = "1"): SendOutcome => ({ ok: true, delivered: { ref } });
const tooMany = (seconds: number): SendOutcome => ({
  ok: false,
  retryAfterSeconds: seconds,
  permanent: false,
  description: `Too Many Requests: retry after ${seconds}`,
});
const serverError = (): SendOutcome => ({
  ok: false,
  permanent: false,
  description: "Internal Server Error",
});
const forbidden = (): SendOutcome => ({
  ok: false,
  permanent: true,
  gone: true,
  description: "Forbidden: bot was blocked by the user",
});

async function pending(store: DeskStore): Promise<number> {
  return (await store.backlog(T0)).pending;
}

/** Drains at the clock, then moves it to nextDueAt (or +1 s), until nothing is pending. */
async function drainAll(store: DeskStore, t: ReturnType<typeof transport>, start: number, maxSteps = 10_000) {
  let now = start;
  for (let step = 0; step < maxSteps; step++) {
    const result = await store.drain(now, t.at(now).send);
    if ((await pending(store)) === 0) return now;
    now = Math.max(now + 1, result.nextDueAt ?? now + 1_000);
  }
  throw new Error("outbox did not drain");
}

/** The most sends of `times` in any half-open window [t, t + windowMs). */
export function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j]! < sorted[i]! + windowMs; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

export function aCase(id: string, over: Partial<Case> = {}): Case {
  return {
    v: CASE_VERSION,
    id,
    type: "email",
    status: "open",
    user: `tg:${1000 + Number(id)}`,
    instansi: "32.01",
    group: GROUP,
    fallback: false,
    fields: { nip: "198609262015051001", nama: "Budi Santoso", "email-baru": "budi@gmail.com" },
    createdAt: T0,
    reopened: 0,
    messages: 0,
    redacted: false,
    ...over,
  };
}

/** The contract. `make` builds an empty store with the given outbox limits. */
export function deskStoreContract(
  name: string,
  make: (limits?: Partial<OutboxLimits>) => Promise<DeskStore>,
) {
  describe(`DeskStore contract: ${name}`, () => {
    const open: DeskStore[] = [];
    const fresh = async (limits?: Partial<OutboxLimits>) => {
      const s = await make(limits);
      open.push(s);
      return s;
    };
    const enqueue = (store: DeskStore, items: OutboxItem[], now = T0) =>
      store.tx((tx) => tx.enqueue(items, now));
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });

    describe("outbox", () => {
      it("delivers each chat's items in FIFO order and calls the delivery hook inside its transaction", async () => {
        const store = await fresh();
        await enqueue(store, [
          item("a1", "tg:-1"),
          item("b1", "tg:-2"),
          item("a2", "tg:-1"),
          item("b2", "tg:-2"),
          item("a3", "tg:-1"),
        ]);
        expect(await pending(store)).toBe(5);
        const t = transport();
        const seen: string[] = [];
        const result = await store.drain(T0, t.at(T0).send, {
          delivered: async (tx, it, delivered) => {
            expect(delivered).toEqual({ ref: "1" });
            expect(typeof tx.getCase).toBe("function");
            seen.push(`${it.id}@${it.enqueuedAt}`);
          },
        });
        expect(result).toEqual({ sent: 5, retried: 0, failed: 0 });
        expect(t.calls.filter((c) => c.to === "tg:-1").map((c) => c.id)).toEqual(["a1", "a2", "a3"]);
        expect(t.calls.filter((c) => c.to === "tg:-2").map((c) => c.id)).toEqual(["b1", "b2"]);
        expect(seen).toHaveLength(5);
        expect(seen).toContain(`a1@${T0}`);
        expect(await pending(store)).toBe(0);
      });

      it("ignores an id enqueued twice, and again after delivery, until doneTtl has passed", async () => {
        const store = await fresh({ doneTtlMs: 60_000 });
        await enqueue(store, [item("c1:card"), item("c1:card")]);
        await enqueue(store, [item("c1:card")], T0 + 1);
        expect(await pending(store)).toBe(1);
        const t = transport();
        await drainAll(store, t, T0);
        await enqueue(store, [item("c1:card")], T0 + 10_000);
        expect(await pending(store)).toBe(0);
        await store.drain(T0 + 10_000, t.at(T0 + 10_000).send);
        expect(t.calls.map((c) => c.id)).toEqual(["c1:card"]);
        await store.drain(T0 + 61_000, t.at(T0 + 61_000).send); // forgets what is past doneTtl
        await enqueue(store, [item("c1:card")], T0 + 61_000);
        expect(await pending(store)).toBe(1);
      });

      it("pauses the whole chat for 429 retry_after, then delivers in order", async () => {
        const store = await fresh();
        await enqueue(store, [item("c1"), item("c2"), item("other", "tg:-77")]);
        const t = transport((it, call) => (it.id === "c1" && call === 1 ? tooMany(12) : ok()));
        const first = await store.drain(T0, t.at(T0).send);
        expect(first).toEqual({ sent: 1, retried: 1, failed: 0, nextDueAt: T0 + 12_000 });
        expect(await store.drain(T0 + 11_999, t.at(T0 + 11_999).send)).toMatchObject({ sent: 0 });
        const second = await store.drain(T0 + 12_000, t.at(T0 + 12_000).send);
        expect(second).toEqual({ sent: 2, retried: 0, failed: 0 });
        expect(t.calls.map((c) => `${c.id}:${c.ok}:${c.at - T0}`).sort()).toEqual(
          ["c1:false:0", "other:true:0", "c1:true:12000", "c2:true:12000"].sort(),
        );
        expect(t.calls.filter((c) => c.to === GROUP).map((c) => `${c.id}:${c.at - T0}`)).toEqual([
          "c1:0",
          "c1:12000",
          "c2:12000",
        ]);
      });

      it("moves a permanent failure to the dead letters (with the hook) and lets the chat's next item proceed", async () => {
        const store = await fresh();
        await enqueue(store, [item("blocked", USER, { caseId: "7" }), item("next", USER)]);
        const t = transport((it) => (it.id === "blocked" ? forbidden() : ok()));
        const dead: string[] = [];
        const hooks = {
          dead: async (_tx: unknown, it: OutboxItem, outcome: { gone: boolean }) => {
            dead.push(`${it.id}:${outcome.gone}`);
          },
        };
        expect(await store.drain(T0, t.at(T0).send, hooks)).toEqual({
          sent: 0,
          retried: 0,
          failed: 1,
          nextDueAt: T0 + 1_000,
        });
        expect(dead).toEqual(["blocked:true"]);
        await drainAll(store, t, T0 + 1_000);
        expect(t.delivered().map((c) => c.id)).toEqual(["next"]);
        const letters = await store.dead(10);
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({ item: { id: "blocked", to: USER }, at: T0 });
        expect(letters[0]!.description).toContain("blocked");
        expect(await store.dead(0)).toEqual([]);
      });

      it("forgets dead letters after deadTtl", async () => {
        const store = await fresh({ deadTtlMs: 60_000 });
        await enqueue(store, [item("x", USER)]);
        await store.drain(T0, transport(() => forbidden()).at(T0).send);
        expect(await store.dead(5)).toHaveLength(1);
        await store.drain(T0 + 60_001, transport().send);
        expect(await store.dead(5)).toEqual([]);
      });

      it("retries 5xx and thrown sends with exponential backoff, holding the chat's later items", async () => {
        const store = await fresh({ privateGapMs: 0 });
        await enqueue(store, [item("flaky", USER), item("after", USER)]);
        const t = transport((it, call) => {
          if (it.id !== "flaky") return ok();
          if (call === 2) throw new Error("socket hang up");
          return call <= 3 ? serverError() : ok();
        });
        await drainAll(store, t, T0);
        expect(t.calls.map((c) => `${c.id}@${c.at - T0}`)).toEqual([
          "flaky@0",
          "flaky@1000",
          "flaky@3000",
          "flaky@7000",
          "after@7000",
        ]);
      });

      it("keeps a group at 20 sends in any 60 s window", async () => {
        const store = await fresh();
        await enqueue(
          store,
          Array.from({ length: 100 }, (_, i) => item(`g${i}`)),
        );
        const t = transport();
        const end = await drainAll(store, t, T0);
        expect(t.calls.map((c) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => `g${i}`));
        expect(
          busiestWindow(
            t.calls.map((c) => c.at),
            60_000,
          ),
        ).toBe(20);
        expect(end - T0).toBe(4 * 60_000);
      });

      it("keeps at least 1 s between sends to a private chat", async () => {
        const store = await fresh();
        await enqueue(
          store,
          Array.from({ length: 10 }, (_, i) => item(`u${i}`, USER)),
        );
        const t = transport();
        // Drain far more often than the gap: the outbox, not the caller, keeps the pace.
        for (let now = T0; now < T0 + 20_000; now += 250) await store.drain(now, t.at(now).send);
        const times = t.calls.map((c) => c.at);
        expect(times).toHaveLength(10);
        for (let i = 1; i < times.length; i++)
          expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
      });

      it("sends at most globalPerSecond per second over all chats", async () => {
        const store = await fresh({ globalPerSecond: 5 });
        await enqueue(
          store,
          Array.from({ length: 12 }, (_, i) => item(`p${i}`, `tg:${1_000 + i}`)),
        );
        const t = transport();
        const first = await store.drain(T0, t.at(T0).send);
        expect(first).toEqual({ sent: 5, retried: 0, failed: 0, nextDueAt: T0 + 1_000 });
        await drainAll(store, t, T0 + 1_000);
        expect(
          busiestWindow(
            t.calls.map((c) => c.at),
            1_000,
          ),
        ).toBe(5);
        expect(t.calls).toHaveLength(12);
      });

      it("never sends an item twice from overlapping drains", async () => {
        const store = await fresh();
        await enqueue(
          store,
          Array.from({ length: 30 }, (_, i) => item(`o${i}`, i % 3 === 0 ? GROUP : `tg:${500 + i}`)),
        );
        const sent: string[] = [];
        const slow = async (it: OutboxItem): Promise<SendOutcome> => {
          await new Promise((r) => setTimeout(r, 1));
          sent.push(it.id);
          return ok();
        };
        let now = T0;
        while ((await pending(store)) > 0) {
          await Promise.all([store.drain(now, slow), store.drain(now, slow), store.drain(now, slow)]);
          now += 1_000;
        }
        expect(sent.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `o${i}`).sort());
      });

      it("a delivery hook that fails: the error reaches the caller, the message is not sent again, the hook is retried", async () => {
        const store = await fresh();
        await enqueue(store, [item("d1"), item("d2")]);
        const t = transport();
        let failures = 0;
        const hooked: string[] = [];
        const hooks = {
          delivered: async (_tx: unknown, it: OutboxItem) => {
            if (it.id === "d1" && failures < 2) {
              failures++;
              throw new Error("store down");
            }
            hooked.push(it.id);
          },
        };
        await expect(store.drain(T0, t.at(T0).send, hooks)).rejects.toThrow("store down");
        await expect(store.drain(T0 + 1, t.at(T0 + 1).send, hooks)).rejects.toThrow("store down");
        expect(await store.drain(T0 + 2, t.at(T0 + 2).send, hooks)).toMatchObject({ sent: 1 });
        expect(t.calls.map((c) => c.id)).toEqual(["d1", "d2"]);
        expect(hooked).toEqual(["d1", "d2"]);
        expect(await pending(store)).toBe(0);
      });

      it("a hook that keeps failing is given up after three tries: the item is done, the chat goes on", async () => {
        const store = await fresh();
        await enqueue(store, [item("e1"), item("e2")]);
        const t = transport();
        const hooked: string[] = [];
        const hooks = {
          delivered: async (_tx: unknown, it: OutboxItem) => {
            if (it.id === "e1") throw new Error("bug in the hook");
            hooked.push(it.id);
          },
        };
        for (let i = 0; i < 3; i++)
          await expect(store.drain(T0 + i, t.at(T0 + i).send, hooks)).rejects.toThrow("bug");
        await store.drain(T0 + 3, t.at(T0 + 3).send, hooks);
        expect(t.calls.map((c) => c.id)).toEqual(["e1", "e2"]);
        expect(hooked).toEqual(["e2"]);
        expect(await pending(store)).toBe(0);
      });

      it("rejects items it cannot send", async () => {
        const store = await fresh();
        await expect(enqueue(store, [{ ...item("x"), to: "no-address" }])).rejects.toThrow(/address/);
        await expect(enqueue(store, [{ ...item("x"), id: "" }])).rejects.toThrow(/id/);
      });

      it("takes a case's queued items for one chat out of the outbox, in order; the rest still go", async () => {
        const store = await fresh();
        await enqueue(store, [
          item("c1:u:1", GROUP, { caseId: "1" }),
          item("c2:u:1", GROUP, { caseId: "2" }),
          item("c1:u:2", GROUP, { caseId: "1" }),
          item("c1:note", USER, { caseId: "1" }),
        ]);
        expect((await store.tx((tx) => tx.queuedCases(GROUP))).sort()).toEqual(["1", "2"]);
        expect(await store.tx((tx) => tx.queuedCases(USER))).toEqual(["1"]);
        const taken = await store.tx((tx) => tx.takeQueued("1", GROUP));
        expect(await store.tx((tx) => tx.queuedCases(GROUP))).toEqual(["2"]);
        expect(taken.map((x) => x.id)).toEqual(["c1:u:1", "c1:u:2"]);
        expect(taken[0]).toMatchObject({ to: GROUP, caseId: "1", message: { type: "text", text: "c1:u:1" } });
        expect(await store.tx((tx) => tx.takeQueued("1", GROUP))).toEqual([]);
        const t = transport();
        await drainAll(store, t, T0);
        expect(
          t
            .delivered()
            .map((c) => c.id)
            .sort(),
        ).toEqual(["c1:note", "c2:u:1"]);
        // A taken item may be enqueued again (to another chat, under another id) and is delivered.
        await enqueue(store, [{ ...taken[0]!, id: "c1:u:1@moved", to: "tg:-100777" }], T0 + 5_000);
        await drainAll(store, t, T0 + 5_000);
        expect(t.delivered().map((c) => c.id)).toContain("c1:u:1@moved");
      });

      it("reports the backlog: pending, due and the oldest item", async () => {
        const store = await fresh();
        await enqueue(store, [item("b1"), item("b2", USER)], T0);
        await enqueue(store, [item("b3", USER)], T0 + 5_000);
        expect(await store.backlog(T0 + 6_000)).toEqual({ pending: 3, due: 3, oldestAt: T0 });
      });
    });

    describe("records", () => {
      let store: DeskStore;
      beforeEach(async () => {
        store = await fresh();
      });

      it("numbers cases, reads them back parsed, and rolls back a failed transaction whole", async () => {
        const id = await store.tx((tx) => tx.nextCaseId());
        const second = await store.tx((tx) => tx.nextCaseId());
        expect(Number(second)).toBe(Number(id) + 1);
        await store.tx((tx) => tx.insertCase(aCase(id)));
        expect(await store.getCase(id)).toEqual(aCase(id));
        await expect(
          store.tx(async (tx) => {
            await tx.updateCase(aCase(id, { status: "claimed" }));
            await tx.enqueue([item("would-be-card")], T0);
            await tx.record({ at: T0, actor: "system", kind: "claimed", caseId: id });
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect((await store.getCase(id))?.status).toBe("open");
        expect(await pending(store)).toBe(0);
        expect(await store.history(id)).toEqual([]);
      });

      it("a group's own history holds its route, claim and card rows, not its cases' events", async () => {
        const id = await store.tx((tx) => tx.nextCaseId());
        await store.tx(async (tx) => {
          await tx.insertCase(aCase(id, { group: GROUP }));
          await tx.record({ at: T0, actor: "tg:9", kind: "linked", group: GROUP, instansi: "32.01" });
          await tx.record({ at: T0 + 1, actor: "tg:9", kind: "claimed", caseId: id, group: GROUP });
          await tx.record({ at: T0 + 2, actor: "system", kind: "route-repaired", group: GROUP });
        });
        expect((await store.groupHistory(GROUP, 10)).map((r) => r.kind)).toEqual([
          "route-repaired",
          "linked",
        ]);
        expect((await store.history(id)).map((r) => r.kind)).toEqual(["claimed"]);
      });

      it("allows one open case per user", async () => {
        await store.tx((tx) => tx.insertCase(aCase("1", { user: "tg:77" })));
        await expect(store.tx((tx) => tx.insertCase(aCase("2", { user: "tg:77" })))).rejects.toThrow();
        await store.tx((tx) =>
          tx.insertCase(aCase("3", { user: "tg:77", status: "resolved", closedAt: T0 })),
        );
        expect((await store.tx((tx) => tx.openCaseOf("tg:77")))?.id).toBe("1");
      });

      it("keeps routes, groups, message and topic links", async () => {
        await store.tx(async (tx) => {
          expect(await tx.setRoute("32.01", GROUP, T0)).toBeUndefined();
          expect(await tx.setRoute("32.01", "tg:-5", T0 + 1)).toMatchObject({ group: GROUP });
          await tx.setRoute("32.02", "tg:-5", T0 + 2);
          await tx.saveGroup({ address: "tg:-5", forum: true, title: "HR" });
          await tx.insertCase(aCase("9"));
          await tx.linkMessage("tg:-5", "100", "9");
          await tx.linkTopic("tg:-5", "7", "9");
        });
        await store.tx(async (tx) => {
          expect((await tx.route("32.01"))?.group).toBe("tg:-5");
          expect((await tx.routesOf("tg:-5")).map((r) => r.instansi).sort()).toEqual(["32.01", "32.02"]);
          await tx.dropRoute("32.02");
          expect(await tx.route("32.02")).toBeUndefined();
          expect(await tx.group("tg:-5")).toEqual({
            address: "tg:-5",
            forum: true,
            title: "HR",
            public: false,
          });
          expect(await tx.caseOfMessage("tg:-5", "100")).toBe("9");
          expect(await tx.caseOfMessage("tg:-6", "100")).toBeUndefined();
          expect(await tx.caseOfTopic("tg:-5", "7")).toBe("9");
        });
      });

      it("counts rate windows per key", async () => {
        const results = await store.tx(async (tx) => [
          await tx.allow("relay:tg:1", 2, 60_000, T0),
          await tx.allow("relay:tg:1", 2, 60_000, T0 + 1),
          await tx.allow("relay:tg:1", 2, 60_000, T0 + 2),
          await tx.allow("relay:tg:2", 2, 60_000, T0 + 2),
          await tx.allow("relay:tg:1", 2, 60_000, T0 + 60_000),
        ]);
        expect(results).toEqual([true, true, false, true, true]);
      });

      it("sweeps rate windows over for a day and the pace of idle chats, keeping what still limits", async () => {
        const DAY = 24 * 3_600_000;
        await store.tx(async (tx) => {
          await tx.allow("open:tg:old", 5, DAY, T0 - 3 * DAY);
          for (let i = 0; i < 2; i++) await tx.allow("relay:tg:live", 2, 60_000, T0);
        });
        // Two chats sent to: one long ago and idle, one just now (its group window still counts).
        await enqueue(store, [item("idle", "tg:-100900")], T0 - 10 * 60_000);
        await drainAll(store, transport(), T0 - 10 * 60_000);
        await enqueue(store, [item("busy", GROUP)]);
        await store.drain(T0, transport().at(T0).send);
        expect(await store.sweep(T0 + 1)).toBe(2); // the old window and the idle chat
        expect(await store.sweep(T0 + 1)).toBe(0);
        // The live window still refuses its third relay; the busy group's pace still holds.
        expect(await store.tx((tx) => tx.allow("relay:tg:live", 2, 60_000, T0 + 2))).toBe(false);
        await enqueue(
          store,
          Array.from({ length: 20 }, (_, i) => item(`g${i}`, GROUP)),
        );
        const t = transport();
        await store.drain(T0 + 2, t.at(T0 + 2).send);
        expect(t.delivered()).toHaveLength(19); // 20 per minute, one already sent at T0
      });

      it("finds reminders due by indexed queries: unclaimed ones, and claimed ones whose user waits for an answer", async () => {
        const staff = { id: "tg:9", name: "S" };
        await store.tx(async (tx) => {
          await tx.insertCase(aCase("1", { createdAt: T0 }));
          await tx.insertCase(aCase("2", { createdAt: T0 + 10, remindedAt: T0 + 100 }));
          // Claimed and answered since: not waiting.
          await tx.insertCase(
            aCase("3", {
              createdAt: T0 + 5,
              status: "claimed",
              claimedBy: staff,
              claimedAt: T0 + 6,
              staffAt: T0 + 7,
            }),
          );
          await tx.insertCase(aCase("4", { createdAt: T0 + 50 }));
          // Claimed, never answered: waiting since the claim.
          await tx.insertCase(
            aCase("5", { createdAt: T0, status: "claimed", claimedBy: staff, claimedAt: T0 + 20 }),
          );
          // Claimed and answered, then the user wrote again: waiting since that message.
          await tx.insertCase(
            aCase("6", {
              createdAt: T0,
              status: "claimed",
              claimedBy: staff,
              claimedAt: T0 + 1,
              staffAt: T0 + 2,
              userAt: T0 + 70,
            }),
          );
        });
        expect((await store.dueReminders(T0 + 60, 10)).map((c) => c.id)).toEqual(["1", "4", "5"]);
        expect((await store.dueReminders(T0 + 200, 10)).map((c) => c.id)).toEqual(["1", "4", "2", "5", "6"]);
        expect((await store.dueReminders(T0 + 200, 1)).map((c) => c.id)).toEqual(["1", "5"]);
        expect((await store.openCasesOf(GROUP)).map((c) => c.id)).toEqual(["1", "5", "6", "3", "2", "4"]);
      });

      it("reports the workload: open and claimed cases, the oldest unclaimed one, dead letters", async () => {
        expect(await store.workload()).toEqual({ open: 0, claimed: 0, deadLetters: 0 });
        const staff = { id: "tg:9", name: "S" };
        await store.tx(async (tx) => {
          await tx.insertCase(aCase("1", { user: "tg:1", createdAt: T0 + 30 }));
          await tx.insertCase(aCase("2", { user: "tg:2", createdAt: T0 + 10 }));
          await tx.insertCase(
            aCase("3", {
              user: "tg:3",
              createdAt: T0,
              status: "claimed",
              claimedBy: staff,
              claimedAt: T0 + 1,
            }),
          );
          await tx.insertCase(
            aCase("4", { user: "tg:4", createdAt: T0 - 99, status: "resolved", closedAt: T0 }),
          );
          await tx.enqueue([item("gone", USER)], T0);
        });
        await store.drain(T0, transport(() => forbidden()).send);
        expect(await store.workload()).toEqual({
          open: 2,
          claimed: 1,
          oldestUnclaimedAt: T0 + 10,
          deadLetters: 1,
        });
      });

      it("purges closed cases past retention, with their history and links", async () => {
        await store.tx(async (tx) => {
          await tx.insertCase(aCase("1", { status: "resolved", closedAt: T0 }));
          await tx.insertCase(aCase("2", { status: "resolved", closedAt: T0 + 1_000 }));
          await tx.insertCase(aCase("3"));
          await tx.record({ at: T0, actor: "system", kind: "resolved", caseId: "1" });
          await tx.linkMessage(GROUP, "55", "1");
        });
        expect(await store.purgeClosed(T0 + 500)).toBe(1);
        expect(await store.getCase("1")).toBeUndefined();
        expect(await store.getCase("2")).toBeDefined();
        expect(await store.history("1")).toEqual([]);
        expect(await store.tx((tx) => tx.caseOfMessage(GROUP, "55"))).toBeUndefined();
      });

      it("keeps the audit trail in order, and statistics by period, office and group", async () => {
        const day = 24 * 3_600_000;
        await store.tx(async (tx) => {
          await tx.insertCase(
            aCase("1", {
              status: "resolved",
              createdAt: T0,
              firstAnswerAt: T0 + 60_000,
              closedAt: T0 + 120_000,
              rating: 5,
            }),
          );
          await tx.insertCase(
            aCase("2", {
              status: "cancelled",
              createdAt: T0 + day,
              closedAt: T0 + day + 1,
              instansi: "32.73",
            }),
          );
          await tx.insertCase(
            aCase("3", {
              createdAt: T0 + 2 * day,
              group: "tg:-9",
              rating: 3,
              status: "resolved",
              closedAt: T0 + 2 * day + 600_000,
            }),
          );
          await tx.record({ at: T0, actor: "tg:1001", kind: "opened", caseId: "1" });
          await tx.record({ at: T0 + 1, actor: "tg:55", actorName: "Sari", kind: "resolved", caseId: "1" });
          await tx.record({ at: T0 + 2, actor: "tg:1001", kind: "rated", caseId: "1", detail: { stars: 5 } });
        });
        expect((await store.history("1")).map((r) => [r.kind, r.actor, r.actorName ?? null])).toEqual([
          ["opened", "tg:1001", null],
          ["resolved", "tg:55", "Sari"],
          ["rated", "tg:1001", null],
        ]);
        const all = await store.stats({});
        expect(all).toMatchObject({
          total: 3,
          byStatus: { resolved: 2, cancelled: 1 },
          byType: { email: 3 },
          medianFirstAnswerMs: 60_000,
          medianCloseMs: 360_000,
          ratings: 2,
          ratingAverage: 4,
        });
        expect(all.byInstansi).toEqual([
          ["32.01", 2],
          ["32.73", 1],
        ]);
        expect((await store.stats({ from: T0 + day, to: T0 + 2 * day })).total).toBe(1);
        expect((await store.stats({ instansi: "32.73" })).byStatus).toEqual({ cancelled: 1 });
        expect((await store.stats({ group: "tg:-9" })).total).toBe(1);
        expect((await store.stats({ from: T0 + 10 * day })).total).toBe(0);
      });

      it("erases one user everywhere: case fields, address, pending items, dead letters, audit actor", async () => {
        await store.tx(async (tx) => {
          await tx.insertCase(
            aCase("1", { user: "tg:77", status: "resolved", closedAt: T0, comment: "makasih Budi" }),
          );
          await tx.insertCase(aCase("2", { user: "tg:88" }));
          await tx.record({ at: T0, actor: "tg:77", kind: "opened", caseId: "1" });
          await tx.enqueue(
            [item("c1:u:1", GROUP, { caseId: "1" }), item("c2:u:1", GROUP, { caseId: "2" })],
            T0,
          );
          await tx.enqueue([item("c1:x", "tg:77", { caseId: "1" })], T0);
          await tx.allow("relay:tg:77", 5, 60_000, T0);
        });
        await store.drain(T0, async (it) => (it.id === "c1:x" ? forbidden() : tooMany(60)));
        expect(await store.dead(5)).toHaveLength(1);
        const erased = await store.tx((tx) => tx.eraseUser("tg:77", T0 + 5));
        expect(erased.map((c) => [c.id, c.user, c.redacted, c.fields])).toEqual([["1", ERASED, true, {}]]);
        const c1 = await store.getCase("1");
        expect(c1).toMatchObject({ user: ERASED, redacted: true, fields: {} });
        expect(c1?.comment).toBeUndefined();
        expect(await store.getCase("2")).toMatchObject({ user: "tg:88", redacted: false });
        expect(await store.dead(5)).toEqual([]);
        expect(await pending(store)).toBe(1);
        const history = await store.history("1");
        expect(history.map((r) => r.actor)).not.toContain("tg:77");
        expect(history.map((r) => r.kind)).toContain("redacted");
      });
    });
  });
}
