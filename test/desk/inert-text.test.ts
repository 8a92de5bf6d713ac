/**
 * Issue 13, item 4: what a user typed never becomes a command, mention or link
 * in the HR group. Through the real grammY bot and the desk's outbox: the card,
 * a relayed message and a relayed photo's caption carry the typed text inside a
 * `code` entity covering exactly that text.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { type ApiCall, createTestBot } from "../helpers/bot-harness.ts";

const USER = 640;
const HR = -100640;
const HOSTILE = "/putuskan@PanduTestBot https://evil.example";
const CAPTION = "/hubungkan@PanduTestBot kab bogor @admin https://evil.example/x";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

type Entity = { type: string; offset: number; length: number };

/** The entities of a message that cover `typed` exactly (UTF-16 offsets), and every entity's type. */
function covering(call: ApiCall | undefined, typed: string): { exact: Entity[]; types: string[] } {
  const text = String(call?.payload.text ?? call?.payload.caption ?? "");
  const entities = (call?.payload.entities ?? call?.payload.caption_entities ?? []) as Entity[];
  return {
    exact: entities.filter((e) => text.slice(e.offset, e.offset + e.length) === typed),
    types: entities.map((e) => e.type),
  };
}

describe("user text in the HR group is inert (real bot, desk outbox)", () => {
  it("a hostile name on the card, a relayed message and a relayed caption sit inside code entities", async () => {
    const desk = new Desk(new MemoryDeskStore(), world, {
      ...DEFAULT_DESK_CONFIG,
      fallbackGroup: `tg:${HR}`,
    });
    const t = createTestBot(world, { desk });
    const sent = () => t.calls.filter((c) => c.payload.chat_id === USER && c.method === "sendMessage");
    const tap = async (label: string) => {
      for (const call of [...sent()].reverse()) {
        const rows = (
          call.payload.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] }
        )?.inline_keyboard;
        const data = rows?.flat().find((b) => b.text === label)?.callback_data;
        if (data !== undefined) return t.tap(USER, data);
      }
      throw new Error(`no button ${label}`);
    };
    await t.text(USER, "/petugas");
    await t.text(USER, "akun saya tidak bisa login");
    await t.text(USER, "198609262015051001");
    await t.text(USER, HOSTILE); // the name
    await t.text(USER, "kota surabaya");
    const pick = (sent().at(-1)!.payload.reply_markup as { inline_keyboard: { callback_data: string }[][] })
      .inline_keyboard[0]![0]!.callback_data;
    await t.tap(USER, pick);
    await tap("✅ Kirim ke petugas");
    await t.text(USER, HOSTILE); // a message from the waiting room
    await t.raw({
      message: {
        message_id: 777,
        date: 1,
        chat: { id: USER, type: "private", first_name: "B" },
        from: { id: USER, is_bot: false, first_name: "B" },
        photo: [{ file_id: "AgAC-error", file_unique_id: "u", width: 90, height: 90 }],
        caption: CAPTION,
      },
    } as never);
    await t.flush();

    const toGroup = t.calls.filter((c) => c.payload.chat_id === HR);
    const card = toGroup.find(
      (c) => c.method === "sendMessage" && String(c.payload.text).startsWith("📨 Kasus #1"),
    );
    const relayed = toGroup.find(
      (c) => c.method === "sendMessage" && String(c.payload.text).startsWith("💬 Pesan pengguna"),
    );
    const photo = toGroup.find((c) => c.method === "sendPhoto");
    expect(String(card?.payload.text)).toContain(`Nama: ${HOSTILE}`);
    expect(covering(card, HOSTILE)).toMatchObject({ exact: [{ type: "code" }] });
    expect(covering(relayed, HOSTILE)).toEqual({
      exact: [expect.objectContaining({ type: "code" })],
      types: ["code"],
    });
    expect(String(photo?.payload.caption)).toContain(CAPTION);
    expect(covering(photo, CAPTION)).toEqual({
      exact: [expect.objectContaining({ type: "code" })],
      types: ["code"],
    });
    // Plain text with no entities of another kind: Telegram then adds no links or commands of its own.
    expect(card?.payload.parse_mode).toBeUndefined();
    expect(card?.payload.link_preview_options).toEqual({ is_disabled: true });
  });
});
