/**
 * No chat can slow down another: a chat flooded with 600 updates gets a bounded
 * backlog (the rest is dropped with one notice), and another chat's update is
 * handled meanwhile. Asserted by counts and order, never by the clock.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { FLOOD_NOTICE } from "../../src/core/notices.ts";
import { MAX_WAITING_PER_CHAT } from "../../src/turn.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const FLOODER = 7_001;
const OTHER = 7_002;
/** Commands with different replies, so the order of what was handled can be read back. */
const CYCLE = ["/start", "/privasi", "/bantuan", "/menu"];
const flood = (i: number) => CYCLE[i % CYCLE.length]!;
const sentTo = (calls: { method: string; payload: Record<string, unknown> }[], chat: number) =>
  calls
    .filter((c) => c.method === "sendMessage" && c.payload.chat_id === chat)
    .map((c) => String(c.payload.text));

describe("a flooded chat through the real bot (grammY handleUpdate → Turns)", () => {
  it("keeps at most the running update and MAX_WAITING_PER_CHAT waiting, drops the rest with one notice, and another chat is answered meanwhile", async () => {
    const handled = MAX_WAITING_PER_CHAT + 1;
    // What the flooder's first `handled` updates produce when sent one by one.
    const reference = createTestBot(world);
    for (let i = 0; i < handled; i++) await reference.text(FLOODER, flood(i));
    const expected = sentTo(reference.calls, FLOODER);

    let dropped = 0;
    let turnsDone = 0;
    const t = createTestBot(world, {
      hooks: { dropped: () => dropped++, turn: () => turnsDone++ },
    });
    const floods = Array.from({ length: 600 }, (_, i) => t.text(FLOODER, flood(i)));
    let flooderRepliesWhenOtherDone = -1;
    const other = t.text(OTHER, "/start").then(() => {
      flooderRepliesWhenOtherDone = sentTo(t.calls, FLOODER).length;
    });
    await Promise.all([...floods, other]);

    // The other chat was answered, and not after the flooder's backlog of 600.
    expect(sentTo(t.calls, OTHER)).toHaveLength(1);
    expect(sentTo(t.calls, OTHER)[0]).toContain("Halo, saya Pandu");
    expect(flooderRepliesWhenOtherDone).toBeLessThanOrEqual(expected.length + 1);
    // The flooder: the first `handled` updates in order, one notice, the rest dropped.
    expect(dropped).toBe(600 - handled);
    const got = sentTo(t.calls, FLOODER);
    expect(got.filter((text) => text === FLOOD_NOTICE)).toHaveLength(1);
    expect(got.filter((text) => text !== FLOOD_NOTICE)).toEqual(expected);
    expect(turnsDone).toBe(handled + 1);
  });

  it("after the backlog is worked off, the chat is served again, without another notice within the interval", async () => {
    const t = createTestBot(world);
    await Promise.all(Array.from({ length: 40 }, (_, i) => t.text(FLOODER, flood(i))));
    const before = sentTo(t.calls, FLOODER).length;
    await t.text(FLOODER, "/privasi");
    expect(sentTo(t.calls, FLOODER).length).toBeGreaterThan(before);
    await Promise.all(Array.from({ length: 40 }, (_, i) => t.text(FLOODER, flood(i))));
    expect(sentTo(t.calls, FLOODER).filter((text) => text === FLOOD_NOTICE)).toHaveLength(1);
  });
});
