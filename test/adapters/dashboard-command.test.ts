/**
 * /dasbor through the real grammY bot: who gets a sign-in link, that it goes to
 * the person privately with no link preview, and what the group is told.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { type ApiCall, createTestBot } from "../helpers/bot-harness.ts";
import { type DashboardHarness, startDashboard } from "../helpers/dashboard-harness.ts";
import { NOW } from "../helpers/dashboard-seed.ts";

const BOT_ADMIN = 1;
const OFFICE_ADMIN = 900;
const MEMBER = 901;
const NEVER_STARTED = 902;
const MANAGER = 800;
const group = (id: number, title: string) => ({ id, type: "supergroup" as const, title });
const BOGOR = group(-100500, "BKPSDM Kab Bogor");
const KANREG = group(-100700, "Kanreg III BKN");
const STRANGERS = group(-100666, "Grup Tak Dikenal");

let world: World;
let h: DashboardHarness;
beforeAll(async () => {
  world = await loadWorld();
});
afterEach(async () => {
  await h?.close();
});

async function setup(url?: string) {
  h = await startDashboard(world, url === undefined ? {} : { url });
  const t = createTestBot(world, {
    desk: h.desk,
    dashboard: h.dashboard,
    adminIds: [BOT_ADMIN],
    now: () => NOW,
  });
  t.chatAdmins.set(BOGOR.id, new Set([OFFICE_ADMIN, NEVER_STARTED]));
  t.chatAdmins.set(KANREG.id, new Set([MANAGER]));
  t.chatAdmins.set(STRANGERS.id, new Set([OFFICE_ADMIN]));
  // Telegram refuses to open a private chat with someone who never started the bot.
  t.bot.api.config.use(async (prev, method, payload, signal) => {
    if (method === "sendMessage" && (payload as { chat_id?: number }).chat_id === NEVER_STARTED)
      return {
        ok: false,
        error_code: 403,
        description: "Forbidden: bot can't initiate conversation with a user",
      } as never;
    return prev(method, payload, signal);
  });
  let mid = 100;
  const inGroup = (chat: typeof BOGOR, from: number, text: string) =>
    t.raw({
      message: {
        message_id: ++mid,
        date: 1,
        chat,
        from: { id: from, is_bot: false, first_name: from === OFFICE_ADMIN ? "Kepala" : "Orang" },
        text,
        entities: [{ type: "bot_command", offset: 0, length: text.length }],
      },
    } as never);
  const sentTo = (chat: number): ApiCall[] =>
    t.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === chat);
  const lastText = (chat: number) => String(sentTo(chat).at(-1)?.payload.text ?? "");
  return { t, inGroup, sentTo, lastText };
}

const linkIn = (text: string) => /(http:\/\/\S+\/dasbor\/masuk\?t=[A-Za-z0-9_-]+)/.exec(text)?.[1];

describe("/dasbor", () => {
  it("a verified group's admin gets a one-time link privately, without a link preview; the group is told it was sent", async () => {
    const { inGroup, sentTo, lastText } = await setup();
    await inGroup(BOGOR, OFFICE_ADMIN, "/dasbor");
    const dm = sentTo(OFFICE_ADMIN).at(-1)!;
    expect(dm.payload.link_preview_options).toEqual({ is_disabled: true });
    expect(String(dm.payload.text)).toContain("Kabupaten Bogor");
    expect(String(dm.payload.text)).toContain("Berlaku 10 menit dan hanya sekali pakai");
    const link = linkIn(String(dm.payload.text));
    expect(link).toBeDefined();
    // Not an https address: no URL button (Telegram refuses them), the link is in the text.
    expect(dm.payload.reply_markup).toBeUndefined();
    expect(lastText(BOGOR.id)).toContain("sudah saya kirim lewat chat pribadi");
    expect(lastText(BOGOR.id)).not.toContain("masuk?t=");
    // The link opens a session scoped to the group.
    const session = await h.dashboard.signIn(new URL(link!).searchParams.get("t")!, NOW);
    const viewer = await h.dashboard.viewer(session!.token, NOW);
    expect(viewer).toMatchObject({
      status: "ok",
      viewer: { scope: { all: false, instansi: ["32.01"], group: "tg:-100500" } },
    });
  });

  it("with an https DASHBOARD_URL the private message has an 'open' button too", async () => {
    const { inGroup, sentTo } = await setup("https://pandu.example.go.id/dasbor");
    await inGroup(BOGOR, OFFICE_ADMIN, "/dasbor");
    const markup = sentTo(OFFICE_ADMIN).at(-1)!.payload.reply_markup as {
      inline_keyboard: { url: string }[][];
    };
    expect(markup.inline_keyboard[0]![0]!.url).toMatch(
      /^https:\/\/pandu\.example\.go\.id\/dasbor\/masuk\?t=/,
    );
  });

  it("a member who is not an admin gets no link", async () => {
    const { inGroup, sentTo, lastText } = await setup();
    await inGroup(BOGOR, MEMBER, "/dasbor");
    expect(sentTo(MEMBER)).toEqual([]);
    expect(lastText(BOGOR.id)).toBe("Dasbor hanya untuk admin grup ini.");
  });

  it("a group nobody approved has no dashboard", async () => {
    const { inGroup, sentTo, lastText } = await setup();
    await inGroup(STRANGERS, OFFICE_ADMIN, "/dasbor");
    expect(sentTo(OFFICE_ADMIN)).toEqual([]);
    expect(lastText(STRANGERS.id)).toContain("belum disetujui");
  });

  it("someone who never started the bot is told in the group how to, with a button to the private chat", async () => {
    const { inGroup, t, lastText } = await setup();
    await inGroup(BOGOR, NEVER_STARTED, "/dasbor");
    expect(lastText(BOGOR.id)).toContain("belum bisa mengirim pesan pribadi");
    expect(lastText(BOGOR.id)).toContain("@PanduTestBot");
    const reply = t.calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === BOGOR.id).at(-1)!;
    expect(JSON.stringify(reply.payload.reply_markup)).toContain("https://t.me/PanduTestBot");
    expect(JSON.stringify(t.calls)).not.toContain("masuk?t=");
  });

  it("a regional manager group's admin signs in for its set", async () => {
    const { inGroup, lastText } = await setup();
    await inGroup(KANREG, MANAGER, "/dasbor");
    expect(lastText(MANAGER)).toContain("Pengelola wilayah");
    const link = linkIn(lastText(MANAGER))!;
    const session = await h.dashboard.signIn(new URL(link).searchParams.get("t")!, NOW);
    const viewer = await h.dashboard.viewer(session!.token, NOW);
    expect(
      viewer.status === "ok" && viewer.viewer.scope.all === false && viewer.viewer.scope.instansi,
    ).toContain("32.73");
  });

  it("in a private chat: a bot admin gets a link for everything; anyone else is pointed to their group", async () => {
    const { t, lastText } = await setup();
    await t.text(BOT_ADMIN, "/dasbor");
    expect(lastText(BOT_ADMIN)).toContain("Semua instansi (admin Pandu)");
    expect(linkIn(lastText(BOT_ADMIN))).toBeDefined();
    await t.text(MEMBER, "/dasbor");
    expect(lastText(MEMBER)).toContain("hanya untuk admin Pandu");
    expect(linkIn(lastText(MEMBER))).toBeUndefined();
  });

  it("without DASHBOARD_URL the command says the dashboard is not enabled", async () => {
    const { t, inGroup, lastText } = await setup();
    (h.dashboard.options as { url?: string }).url = undefined;
    await inGroup(BOGOR, OFFICE_ADMIN, "/dasbor");
    expect(lastText(BOGOR.id)).toContain("Dasbor belum diaktifkan");
    await t.text(BOT_ADMIN, "/dasbor");
    expect(lastText(BOT_ADMIN)).toContain("Dasbor belum diaktifkan");
  });
});
