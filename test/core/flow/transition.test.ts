import { beforeAll, describe, expect, it } from "vitest";
import { loadFlows } from "../../../src/adapters/files/load-flows.ts";
import { createMac, DEV_SECRET } from "../../../src/app/signing.ts";
import { createButtonCodec } from "../../../src/core/callback-data.ts";
import { transition, type World } from "../../../src/core/flow/transition.ts";
import type { Effect, Event } from "../../../src/core/protocol.ts";
import { HISTORY_MAX, newSession, type Session } from "../../../src/core/session.ts";
import type { FaqHitRef, FaqLookup } from "../../../src/core/world.ts";

const NOW = Date.UTC(2026, 10, 24, 3);
let world: World;
beforeAll(async () => {
  world = { flows: await loadFlows("flows"), buttons: createButtonCodec(createMac(DEV_SECRET)) };
});

const replies = (effects: Effect[]) => effects.flatMap((e) => (e.type === "reply" ? [e] : []));
const toasts = (effects: Effect[]) => effects.flatMap((e) => (e.type === "toast" ? [e.text] : []));
function run(session: Session | undefined, ...events: Event[]) {
  let s = session;
  let effects: Effect[] = [];
  for (const event of events) {
    const t = transition(world, s, event, NOW);
    s = JSON.parse(JSON.stringify(t.session));
    effects = t.effects;
  }
  return { session: s!, effects };
}
const at = (key: string, vars: Record<string, string> = {}): Session => {
  const [flow = "", state = ""] = key.split("/");
  return { ...newSession(flow, state, NOW), vars };
};
const dataOf = (effects: Effect[], label: string) =>
  replies(effects)
    .flatMap((r) => r.buttons?.flat() ?? [])
    .find((b) => b.label === label)?.data ?? "";

describe("transition", () => {
  it("greets a new chat with the menu and returns plain JSON", () => {
    const { session, effects } = run(undefined, { type: "start" });
    expect(session).toMatchObject({ v: 1, flow: "menu", state: "mulai", history: [] });
    expect(replies(effects)[0]?.text).toContain("Halo, saya Pandu");
    expect(JSON.parse(JSON.stringify(session))).toEqual(session);
  });

  it("does not mutate the session it was given", () => {
    const before = at("aktivasi/mulai");
    const copy = structuredClone(before);
    transition(world, before, { type: "text", text: "198609262015051001" }, NOW);
    expect(before).toEqual(copy);
  });

  it("refuses forged button data with a toast and no state change", () => {
    const { session, effects } = run(at("aktivasi/d-kode"), {
      type: "button",
      data: "b|aktivasi|d-kode|99|zzzz",
    });
    expect(session.state).toBe("d-kode");
    expect(toasts(effects)).toEqual(["Maaf, tombol itu sudah tidak berlaku. Ini langkah Anda sekarang:"]);
    const garbage = run(at("aktivasi/d-kode"), { type: "button", data: "💥|x" });
    expect(toasts(garbage.effects)).toEqual(["Tombol tidak dikenali."]);
    expect(replies(garbage.effects)).toEqual([]);
  });

  it("answers a double tap (button of the previous step) with a toast only", () => {
    const first = run(undefined, { type: "start" });
    const data = dataOf(first.effects, "🔑 Aktivasi / lupa password");
    const second = run(first.session, { type: "button", data }, { type: "button", data });
    expect(second.session.state).toBe("mulai");
    expect(second.session.flow).toBe("aktivasi");
    expect(toasts(second.effects)).toEqual([
      "Tombol itu dari langkah sebelumnya. Silakan lanjut dari pesan terakhir.",
    ]);
    expect(replies(second.effects)).toEqual([]);
  });

  it("shows the current step again when a button of a step that was never saved is tapped (crash)", () => {
    // The bot sent "Langkah 3 dari 7" (d-nip), then crashed before saving: the session still
    // says d-reset. The user taps a button of the latest message they see.
    const saved: Session = { ...at("aktivasi/d-reset"), history: ["aktivasi/d-buka"] };
    const shown = run(at("aktivasi/d-nip"), { type: "command", name: "bantuan" });
    const data = dataOf(shown.effects, "Email saya muncul");
    const { session, effects } = run(saved, { type: "button", data });
    expect(replies(effects).map((r) => r.text)).toEqual([
      "Maaf, tombol itu sudah tidak berlaku. Ini langkah Anda sekarang:",
      expect.stringContaining("Langkah 2 dari 7"),
    ]);
    expect(
      replies(effects)[1]
        ?.buttons?.flat()
        .map((b) => b.label),
    ).toContain("Sudah, lanjut");
    expect(session.state).toBe("d-reset");
  });

  it("treats a button whose state definition changed (hash) as expired and re-prompts", () => {
    const { effects } = run(at("aktivasi/d-kode"), { type: "button", data: "b|aktivasi|d-kode|0|0000" });
    expect(replies(effects).map((r) => r.text)).toEqual([
      "Maaf, tombol itu sudah tidak berlaku. Ini langkah Anda sekarang:",
      expect.stringContaining("Langkah 5 dari 7"),
    ]);
  });

  it("keeps the history bounded", () => {
    let s = at("aktivasi/d-nip");
    for (let i = 0; i < HISTORY_MAX * 3; i++) {
      const out = run(s, {
        type: "button",
        data: dataOf(run(s, { type: "command", name: "bantuan" }).effects, "Muncul pesan gagal"),
      });
      s = run(out.session, { type: "button", data: dataOf(out.effects, "Coba lagi") }).session;
    }
    expect(s.history.length).toBeLessThanOrEqual(HISTORY_MAX);
    expect(s.state).toBe("d-nip");
  });

  it("counts failures per state and resets them on the next state", () => {
    const s1 = run(at("nip/mulai"), { type: "text", text: "123" }, { type: "text", text: "abc def" }).session;
    expect(s1.fails).toBe(2);
    const s2 = run(s1, { type: "text", text: "198609262015051001" }).session;
    expect(s2).toMatchObject({ state: "arti", fails: 0 });
  });

  it("never keeps a password candidate, even when the rules fail", () => {
    const secret = "Sup3r#Rahasia!";
    const { session, effects } = run(at("aktivasi/d-password"), { type: "text", text: secret });
    expect(effects[0]).toEqual({ type: "delete-incoming" });
    expect(JSON.stringify(session)).not.toContain(secret);
    expect(JSON.stringify(effects)).not.toContain(secret);
  });

  it("accepts intents typed in a password step without checking them as passwords", () => {
    const { session } = run(at("aktivasi/d-password"), { type: "text", text: "menu" });
    expect(`${session.flow}/${session.state}`).toBe("menu/mulai");
  });

  it("offers 'Kirim ke petugas' under the letter the user sends alone, and opens the case from there", () => {
    const letter = at("email/ringkasan", {
      nip: "198609262015051001",
      jenis: "PNS",
      nama: "Budi Santoso",
      "email-baru": "budi.baru@gmail.com",
      masalah: "email terdaftar salah",
      "jenis-kasus": "email",
    });
    const shown = run(letter, { type: "command", name: "bantuan" });
    const data = dataOf(shown.effects, "✅ Kirim ke petugas");
    expect(data).not.toBe("");
    const { session, effects } = run(letter, { type: "button", data });
    const ask = effects.find((e) => e.type === "desk");
    expect(ask).toEqual({
      type: "desk",
      request: expect.objectContaining({
        kind: "open",
        caseType: "email",
        next: "kasus/menunggu",
        fields: expect.objectContaining({ nip: "198609262015051001", "email-baru": "budi.baru@gmail.com" }),
      }),
    });
    // The conversation moves on when the desk says the case is open (one writer of the session).
    const opened = run(session, {
      type: "desk",
      request: (ask as Extract<Effect, { type: "desk" }>).request,
      result: { status: "ok", caseId: "7", notice: "📨 Kasus #7 sudah dibuat" },
    });
    expect(`${opened.session.flow}/${opened.session.state}`).toBe("kasus/menunggu");
    expect(opened.session.vars.kasus).toBe("7");
  });

  it("answers an off-topic question honestly and still records it as a gap for admins", () => {
    const honest: FaqHitRef = {
      id: "luar-gaji",
      title: "Gaji, gaji ke-13, THR, TPP, tunjangan",
      answer: "Itu di luar yang Pandu tahu.",
      score: 0.9,
      confidence: "high",
      offTopic: true,
    };
    const faq: FaqLookup = { search: () => [honest], get: (id) => (id === honest.id ? honest : undefined) };
    const { effects } = transition(
      { ...world, faq },
      at("menu/mulai"),
      { type: "text", text: "kapan gaji ke 13 cair?" },
      NOW,
    );
    expect(replies(effects)[0]?.text).toContain("Itu di luar yang Pandu tahu.");
    expect(effects).toContainEqual({ type: "faq-gap", text: "kapan gaji ke 13 cair?", best: "luar-gaji" });
  });

  it("answers a short question typed at a button step from the FAQ, then shows the step again", async () => {
    const { loadWorld } = await import("../../../src/app/world.ts");
    const full = await loadWorld();
    const { session, effects } = transition(
      full,
      at("aktivasi/d-kode"),
      { type: "text", text: "token gk masuk2" },
      NOW,
    );
    const texts = replies(effects).map((r) => r.text);
    expect(texts[0]).toMatch(/^💡 Token atau kode email tidak datang/);
    expect(texts).not.toContain("Silakan pilih salah satu tombol di bawah.");
    expect(texts[1]).toContain("Langkah 5 dari 7");
    expect(`${session.flow}/${session.state}`).toBe("aktivasi/d-kode");
  });

  it("still asks for a button when a short text at a button step is no known question", async () => {
    const { loadWorld } = await import("../../../src/app/world.ts");
    const full = await loadWorld();
    const { effects } = transition(full, at("aktivasi/d-kode"), { type: "text", text: "lanjut" }, NOW);
    expect(replies(effects)[0]?.text).toBe("Silakan pilih salah satu tombol di bawah.");
  });

  describe("token retries count time", () => {
    const MIN = 60_000;
    /** Taps the button with this label on the message the previous step showed, at `when`. */
    function tap(prev: { session: Session; effects: Effect[] }, label: string, when: number) {
      const data = dataOf(prev.effects, label);
      expect(data, `button '${label}'`).not.toBe("");
      const t = transition(world, prev.session, { type: "button", data }, when);
      return { session: JSON.parse(JSON.stringify(t.session)) as Session, effects: t.effects };
    }
    const start = () => {
      const s = { ...at("token/mulai"), history: ["aktivasi/d-kode"] };
      return { session: s, effects: transition(world, s, { type: "command", name: "bantuan" }, NOW).effects };
    };
    const RETRY = "Sudah coba lagi, tetap tidak masuk";

    it("three taps in three seconds do not escalate", () => {
      let turn = tap(start(), "Di Spam pun tidak ada", NOW);
      turn = tap(turn, RETRY, NOW + 1_000);
      turn = tap(turn, RETRY, NOW + 2_000);
      turn = tap(turn, RETRY, NOW + 3_000);
      expect(turn.session.state).not.toBe("eskalasi");
      expect(turn.session.counters["coba-token"]).toBe(1);
      expect(replies(turn.effects).at(-1)?.text).toContain("sekitar 2 jam");
    });

    it("retries spread over hours escalate on the third", () => {
      let turn = tap(start(), "Di Spam pun tidak ada", NOW);
      turn = tap(turn, RETRY, NOW + 120 * MIN);
      expect(turn.session.state).toBe("coba-lagi");
      turn = tap(turn, RETRY, NOW + 240 * MIN);
      expect(turn.session.state).toBe("eskalasi");
    });

    it("asks how long the user waited, and believes a wait that started before Pandu", () => {
      let turn = tap(start(), "Di Spam pun tidak ada", NOW);
      turn = tap(turn, RETRY, NOW + MIN);
      expect(turn.session.state).toBe("terlalu-cepat");
      turn = tap(turn, "Sudah menunggu lebih dari 2 jam", NOW + 2 * MIN);
      expect(turn.session).toMatchObject({ state: "coba-lagi", counters: { "coba-token": 2 } });
      turn = tap(turn, RETRY, NOW + 3 * MIN);
      expect(turn.session.state).toBe("terlalu-cepat");
    });
  });

  it("emits funnel events: enter and complete", () => {
    const s = at("aktivasi/d-login");
    const before = run(s, { type: "command", name: "bantuan" });
    const { effects } = run(s, {
      type: "button",
      data: dataOf(before.effects, "✅ MFA aktif, saya sudah masuk"),
    });
    const tracks = effects.flatMap((e) => (e.type === "track" ? [`${e.event}:${e.flow}/${e.state}`] : []));
    expect(tracks).toEqual(["enter:aktivasi/selesai", "complete:aktivasi/selesai"]);
  });
});
