import { beforeAll, describe, expect, it } from "vitest";
import { MemoryFaqLog } from "../../src/adapters/memory/faq-log.ts";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

describe("FAQ through the grammY bot", () => {
  it("answers inline queries with shareable articles", async () => {
    const t = createTestBot(world);
    await t.raw({
      inline_query: {
        id: "iq1",
        from: { id: 5, is_bot: false, first_name: "A" },
        query: "token gk masuk2",
        offset: "",
      },
    } as never);
    const call = t.calls.find((c) => c.method === "answerInlineQuery");
    const results = call?.payload.results as {
      id: string;
      title: string;
      input_message_content: { message_text: string };
    }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.id).toBe("token-tidak-masuk");
    expect(results[0]?.input_message_content.message_text).toContain("@PanduTestBot");
  });

  it("offers a few common answers for an empty inline query", async () => {
    const t = createTestBot(world);
    await t.raw({
      inline_query: { id: "iq2", from: { id: 5, is_bot: false, first_name: "A" }, query: "", offset: "" },
    } as never);
    const results = t.calls.find((c) => c.method === "answerInlineQuery")?.payload.results as {
      id: string;
    }[];
    expect(results.map((r) => r.id)).toContain("cara-aktivasi");
  });

  it("records unanswered questions masked, counts feedback, and lists gaps for admins only", async () => {
    const faqLog = new MemoryFaqLog();
    const t = createTestBot(world, { faqLog, adminIds: [1] });
    await t.text(2, "/start");
    await t.text(2, "apakah tunjangan kinerja NIP 198609262015051001 cair bulan depan?");
    const gaps = await faqLog.gaps(10);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]?.text).toContain("nip ••••••••••••••••••");
    expect(gaps[0]?.text).not.toContain("198609262015051001");

    await t.text(2, "token gk masuk2 gimana?");
    const answer = t.calls.filter((c) => c.method === "sendMessage").at(-1);
    const markup = answer?.payload.reply_markup as {
      inline_keyboard: { text: string; callback_data?: string }[][];
    };
    const buttons = markup.inline_keyboard.flat();
    await t.tap(2, buttons.find((b) => b.text === "👎 Belum")!.callback_data!);
    expect(await faqLog.votes()).toEqual({ "token-tidak-masuk": { up: 0, down: 1 } });

    const before = t.calls.length;
    await t.text(2, "/faqgap");
    expect(String(t.calls.at(-1)?.payload.text)).not.toContain("belum terjawab (data pribadi");
    await t.text(1, "/faqgap");
    const listed = String(t.calls.at(-1)?.payload.text);
    expect(listed).toContain("Pertanyaan yang belum terjawab");
    expect(listed).toContain("(1×) apakah tunjangan kinerja nip ••••••••••••••••••");
    expect(t.calls.length).toBeGreaterThan(before);
  });
});
