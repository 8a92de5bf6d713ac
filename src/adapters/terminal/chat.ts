import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { textToEvent } from "../../core/commands.ts";
import { decide } from "../../core/decide.ts";
import type { ButtonView, Effect, Event, World } from "../../core/flow/transition.ts";
import type { Session } from "../../core/session.ts";
import { MemoryCaseStore } from "../../desk/case-store.ts";
import { DEFAULT_DESK_CONFIG, Desk, isCaseEffect, withVarChanges } from "../../desk/desk.ts";
import { MemoryOutbox, type OutboxItem } from "../outbox.ts";

export interface ChatOptions {
  world: World;
  input: Readable;
  output: Writable;
  /** TTY: show a prompt; piped: echo each user line (never a deleted one). */
  interactive: boolean;
  now?: () => number;
}

/** The terminal's one user and its one HR desk (every case goes there). */
const USER = 1;
const HR_GROUP = -1;
const STAFF = { id: 2, name: "Petugas Terminal" };

const HR_HELP =
  "Meja HR (terminal). Perintah: kasus · ambil N · balas N <teks> · selesai N · kembalikan N · statistik · /user untuk kembali ke chat pengguna.";

/**
 * Terminal chat over the same engine as Telegram: one user message per line;
 * a number picks the numbered button of the last bot message. Sessions live in
 * memory and are JSON round-tripped between turns, as a store would. `/hr`
 * switches to the HR side of the same desk, so a case can be opened, claimed,
 * answered, resolved and rated on one machine.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const out = (line: string) => options.output.write(`${line}\n`);
  const outbox = new MemoryOutbox({ privateGapMs: 0, groupPerMinute: 10_000, globalPerSecond: 10_000 });
  const desk = new Desk(new MemoryCaseStore(), outbox, options.world, {
    ...DEFAULT_DESK_CONFIG,
    fallbackGroup: HR_GROUP,
    adminIds: [STAFF.id],
    secret: "terminal",
  });
  let stored: string | undefined;
  let buttons: ButtonView[] = [];
  let mode: "user" | "hr" = "user";
  let messageId = 0;
  /** Card buttons and card message ids per case, as the HR group would see them. */
  const cards = new Map<string, { buttons: ButtonView[]; messageId: number }>();

  const deliver = async () => {
    for (let i = 0; i < 20; i++) {
      const result = await outbox.drain(
        now(),
        async (item) => ({ ok: true, result: show(item) }),
        (item, res) => desk.onDelivered(item, res, now()),
      );
      if (result.sent === 0) break;
    }
  };

  /** Prints an outbox item where it would appear: the user's chat or the HR desk. */
  const show = (item: OutboxItem): unknown => {
    const p = item.payload as {
      text?: string;
      caption?: string;
      name?: string;
      message_id?: number;
      reply_markup?: { inline_keyboard: { text: string; callback_data?: string }[][] };
    };
    const views = (p.reply_markup?.inline_keyboard ?? [])
      .flat()
      .map((b) => ({ label: b.text, data: b.callback_data }));
    if (item.method === "createForumTopic") return { message_thread_id: ++messageId, name: p.name };
    const text = p.text ?? `[foto] ${p.caption ?? ""}`;
    if (item.chatId === USER) {
      out(`\nPandu: ${text}`);
      if (views.length > 0) {
        buttons = views;
        for (const [i, b] of views.entries()) out(`  [${i + 1}] ${b.label}`);
      }
    } else {
      out(`\n[Meja HR] ${item.method === "editMessageText" ? "(kartu diperbarui) " : ""}${text}`);
      const caseId = /Kasus #(\d+)/.exec(text)?.[1];
      if (caseId !== undefined && item.method === "sendMessage" && views.length > 0) {
        cards.set(caseId, { buttons: views, messageId: messageId + 1 });
      }
    }
    return { message_id: item.method === "editMessageText" ? (p.message_id ?? 0) : ++messageId };
  };

  const turn = async (event: Event, shown: string | undefined) => {
    const decision = decide(
      options.world,
      stored === undefined ? undefined : JSON.parse(stored),
      event,
      now(),
    );
    const deleted = decision.effects.some((e) => e.type === "delete-incoming");
    if (!options.interactive && shown !== undefined) out(`\nAnda: ${deleted ? "[pesan dihapus]" : shown}`);
    // On a TTY the typed line is on screen: move up and wipe it, as Telegram deletes the message.
    if (options.interactive && deleted) options.output.write("\x1b[1A\x1b[2KAnda: [pesan dihapus]\n");
    let vars = decision.session.vars;
    for (const effect of decision.effects) {
      if (isCaseEffect(effect)) {
        const outcome = await desk.userEffect(USER, effect, now());
        vars = withVarChanges(vars, outcome.vars ?? {});
        if (outcome.reply !== undefined)
          buttons = render(
            [
              {
                type: "reply",
                text: outcome.reply.text,
                ...(outcome.reply.buttons ? { buttons: outcome.reply.buttons } : {}),
              },
            ],
            out,
            buttons,
          );
      } else {
        buttons = render([effect], out, buttons);
      }
    }
    stored = JSON.stringify({ ...decision.session, vars } satisfies Session);
    await deliver();
  };

  const hr = async (line: string) => {
    const [command = "", id = "", ...rest] = line.trim().split(/\s+/);
    if (!options.interactive) out(`\nHR: ${line.trim()}`);
    const press = async (label: string) => {
      const data = cards.get(id)?.buttons.find((b) => b.label === label)?.data;
      out(
        `(${data === undefined ? `Kasus #${id} tidak ada di meja ini.` : await desk.staffButton(HR_GROUP, STAFF, data, now())})`,
      );
    };
    switch (command.toLowerCase()) {
      case "kasus":
        out((await desk.groupList(HR_GROUP, now())).text);
        break;
      case "ambil":
        await press("✋ Ambil");
        break;
      case "selesai":
        await press("✅ Selesai");
        break;
      case "kembalikan":
        await press("↩️ Kembalikan ke bot");
        break;
      case "balas": {
        const card = cards.get(id);
        const reply =
          card === undefined
            ? { text: `Kasus #${id} tidak ada di meja ini.` }
            : await desk.staffMessage(
                HR_GROUP,
                STAFF,
                { replyTo: card.messageId, text: rest.join(" ") },
                now(),
              );
        if (reply !== undefined) out(`(${reply.text})`);
        break;
      }
      case "statistik":
        out(await desk.stats());
        break;
      default:
        out(HR_HELP);
    }
    await deliver();
  };

  const rl = createInterface({ input: options.input, terminal: options.interactive });
  // Start buffering lines now: piped input may arrive while the greeting is still being produced.
  const lines = rl[Symbol.asyncIterator]();
  if (options.interactive) {
    out(
      "Pandu, chat terminal. Ketik pesan, atau nomor tombol. /menu, /batal, /bantuan, /hr (meja HR); Ctrl+D untuk keluar.",
    );
  }
  await turn({ type: "start" }, undefined);
  const prompt = () => options.interactive && options.output.write(mode === "hr" ? "\nHR> " : "\nAnda: ");
  prompt();
  for await (const line of { [Symbol.asyncIterator]: () => lines }) {
    const text = line.trim();
    if (text === "/hr" || text === "/user") {
      mode = text === "/hr" ? "hr" : "user";
      out(mode === "hr" ? `\n${HR_HELP}` : "\n(kembali ke chat pengguna)");
    } else if (mode === "hr" && text.length > 0) {
      await hr(text);
    } else if (text.length > 0) {
      const picked = /^\d{1,2}$/.test(text)
        ? buttons.filter((b) => b.data !== undefined)[Number(text) - 1]
        : undefined;
      const event: Event | undefined =
        picked?.data !== undefined ? { type: "button", data: picked.data } : textToEvent(line);
      if (event !== undefined) await turn(event, picked !== undefined ? `[${text}] ${picked.label}` : line);
    }
    prompt();
  }
  if (options.interactive) out("");
}

/** Prints bot messages with numbered buttons; returns the buttons of the last message that had any. */
function render(effects: Effect[], out: (line: string) => void, previous: ButtonView[]): ButtonView[] {
  let buttons = previous;
  for (const effect of effects) {
    if (effect.type === "reply") {
      out(`\nPandu: ${effect.text}`);
      if (effect.buttons !== undefined) {
        buttons = effect.buttons.flat();
        let n = 0;
        for (const b of buttons) {
          if (b.data !== undefined) out(`  [${++n}] ${b.label}`);
          else out(`  🔗 ${b.label}: ${b.url}`);
        }
      }
    } else if (effect.type === "toast") {
      out(`(${effect.text})`);
    }
  }
  return buttons;
}
