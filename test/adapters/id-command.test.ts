import { beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

const GROUP = { id: -1001234567890, type: "supergroup", title: "BKPSDM Kab. Bogor" };
const sent = (t: ReturnType<typeof createTestBot>) =>
  t.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));

/** A command typed in the HR group by `fromId`. */
async function inGroup(t: ReturnType<typeof createTestBot>, fromId: number, text: string) {
  await t.raw({
    message: {
      message_id: 7,
      date: 1,
      chat: GROUP,
      from: { id: fromId, is_bot: false, first_name: "Sari" },
      text,
      entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }],
    },
  } as never);
}

describe("/id: the ids an operator needs for HR_CHAT_ID and ADMIN_IDS", () => {
  it.each(["/id", "/id@PanduTestBot"])(
    "%s in private answers the user's own id, leaving the journey alone",
    async (text) => {
      const t = createTestBot(world);
      await t.text(5001, text);
      expect(sent(t)).toEqual([expect.stringContaining("ID Telegram Anda: 5001")]);
      expect(await t.store.peek("5001")).toBeUndefined();
    },
  );

  it("in a group answers a group admin with the group's id, asked through getChatMember", async () => {
    const t = createTestBot(world);
    t.groupAdmins.add(77);
    await inGroup(t, 77, "/id@PanduTestBot");
    expect(t.calls.find((c) => c.method === "getChatMember")?.payload).toMatchObject({
      chat_id: GROUP.id,
      user_id: 77,
    });
    const [reply] = sent(t);
    expect(reply).toContain("ID grup ini: -1001234567890");
    expect(reply).toContain("HR_CHAT_ID=-1001234567890");
  });

  it("in a group answers a bot admin (ADMIN_IDS) who is not a group admin", async () => {
    const t = createTestBot(world, { adminIds: [99] });
    await inGroup(t, 99, "/id");
    expect(sent(t)[0]).toContain("ID grup ini: -1001234567890");
  });

  it("in a group does not give the id to a member who is not an admin", async () => {
    const t = createTestBot(world);
    await inGroup(t, 78, "/id");
    const replies = sent(t);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("hanya untuk admin grup");
    expect(replies.join("\n")).not.toContain("1234567890");
  });
});
