/**
 * `/dasbor`: a one-time sign-in link to the supervisor's dashboard, always sent
 * privately (a link in a group would let any member in). In a verified HR group
 * for its admins (their group's scope); in a private chat for bot admins
 * (everything). Someone who never started the bot is told so in the group.
 */
import { type Context, GrammyError } from "grammy";
import type { Dashboard } from "../../desk/dashboard.ts";
import type { Log } from "../../logger.ts";
import { tg } from "./render.ts";

export interface DasborDeps {
  dashboard: Dashboard | undefined;
  now: () => number;
  isChatAdmin: (ctx: Context & { from: { id: number } }) => Promise<boolean>;
}

const MSG = {
  off: "Dasbor belum diaktifkan: pengelola Pandu perlu mengisi DASHBOARD_URL.",
  link: (scope: string, url: string) =>
    `🔐 Tautan masuk dasbor Pandu (${scope}).\nBerlaku 10 menit dan hanya sekali pakai; jangan diteruskan ke siapa pun.\n\n${url}\n\nSesi berakhir setelah 9 jam; setelah itu ketik /dasbor lagi.`,
  sentPrivately: (name: string) =>
    `📬 ${name}, tautan masuk dasbor sudah saya kirim lewat chat pribadi (berlaku 10 menit).`,
  cannotReach: (bot: string) =>
    `Saya belum bisa mengirim pesan pribadi kepada Anda. Buka chat dengan @${bot}, tekan Mulai (Start), lalu ketik /dasbor lagi di sini.`,
} as const;

export async function handleDasbor(ctx: Context & { log: Log }, deps: DasborDeps): Promise<void> {
  const from = ctx.from;
  const chat = ctx.chat;
  if (from === undefined || chat === undefined || chat.type === "channel") return;
  if (deps.dashboard === undefined) return void (await ctx.reply(MSG.off));
  const inGroup = chat.type === "group" || chat.type === "supergroup";
  const name = [from.first_name, from.last_name].filter(Boolean).join(" ");
  const outcome = await deps.dashboard.requestLink(
    {
      user: tg(from.id),
      name,
      ...(inGroup ? { group: tg(chat.id) } : {}),
      isChatAdmin: () => deps.isChatAdmin(ctx as Context & { from: { id: number } }),
    },
    deps.now(),
  );
  if (outcome.status === "refused") return void (await ctx.reply(outcome.text));
  const https = outcome.url.startsWith("https://");
  try {
    // No link preview: Telegram's preview fetcher would use up the one-time link.
    await ctx.api.sendMessage(from.id, MSG.link(outcome.scope, outcome.url), {
      link_preview_options: { is_disabled: true },
      // Telegram accepts URL buttons only for public https addresses; the link in the text always works.
      ...(https
        ? { reply_markup: { inline_keyboard: [[{ text: "📊 Buka dasbor", url: outcome.url }]] } }
        : {}),
    });
  } catch (err) {
    if (inGroup && err instanceof GrammyError && err.error_code === 403) {
      await ctx.reply(MSG.cannotReach(ctx.me.username), {
        reply_markup: {
          inline_keyboard: [[{ text: "💬 Buka chat pribadi", url: `https://t.me/${ctx.me.username}` }]],
        },
      });
      return;
    }
    throw err;
  }
  ctx.log.info({ group: inGroup ? chat.id : undefined }, "dashboard link sent");
  if (inGroup) await ctx.reply(MSG.sentPrivately(from.first_name));
}
