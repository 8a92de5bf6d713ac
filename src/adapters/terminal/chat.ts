import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { textToEvent } from "../../core/commands.ts";
import type { World } from "../../core/flow/transition.ts";
import type { Event } from "../../core/protocol.ts";
import { Background } from "../../desk/background.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../desk/desk.ts";
import { createLogger } from "../../logger.ts";
import { Turns } from "../../turn.ts";
import { MemoryChatStore } from "../memory/chat-store.ts";
import { MemoryDeskStore } from "../memory/desk-store.ts";
import { MemoryFaqLog } from "../memory/faq-log.ts";
import { createScreen, HR_GROUP, terminalIO, terminalSender, USER } from "./render.ts";

export interface ChatOptions {
  world: World;
  input: Readable;
  output: Writable;
  /** TTY: show a prompt; piped: echo each user line (never a deleted one). */
  interactive: boolean;
  now?: () => number;
}

const STAFF = { id: "term:staff", name: "Petugas Terminal" };

const HR_HELP =
  "Meja HR (terminal). Perintah: kasus · kasus N (riwayat) · ambil N · balas N <teks> · selesai N · kembalikan N · statistik · /user untuk kembali ke chat pengguna.";

/**
 * Terminal chat over the same turn as Telegram: one user message per line; a
 * number picks the numbered button of the last bot message. Sessions live in
 * memory and are JSON round-tripped, as a store would. `/hr` switches to the HR
 * side of the same desk, so a case can be opened, claimed, answered, resolved
 * and rated on one machine.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const screen = createScreen((line) => options.output.write(`${line}\n`));
  const deskStore = new MemoryDeskStore({ privateGapMs: 0, groupPerMinute: 10_000, globalPerSecond: 10_000 });
  const desk = new Desk(deskStore, options.world, { ...DEFAULT_DESK_CONFIG, fallbackGroup: HR_GROUP });
  const turns = new Turns({
    world: options.world,
    store: new MemoryChatStore({ ttlSeconds: 7 * 24 * 3600, now }),
    desk,
    faqLog: new MemoryFaqLog(),
    now,
  });
  const background = new Background(desk, terminalSender(screen), { now });
  const log = createLogger({ level: "silent" });
  let updateId = 0;
  let mode: "user" | "hr" = "user";

  const turn = async (event: Event, shown: string | undefined) => {
    const io = terminalIO(screen, (deleted) => {
      // Piped: the user's line is echoed before the replies, as the chat shows it (never a deleted one).
      if (!options.interactive && shown !== undefined)
        screen.print(`\nAnda: ${deleted ? "[pesan dihapus]" : shown}`);
      // On a TTY the typed line is on screen: move up and wipe it, as Telegram deletes the message.
      if (options.interactive && deleted) options.output.write("\x1b[1A\x1b[2KAnda: [pesan dihapus]\n");
    });
    await turns.run({ chat: USER, updateId: ++updateId, event, io, log });
    await background.flush();
  };

  const hr = async (line: string) => {
    const [command = "", id = "", ...rest] = line.trim().split(/\s+/);
    if (!options.interactive) screen.print(`\nHR: ${line.trim()}`);
    const press = async (label: string) => {
      const data = screen.cards.get(id)?.buttons.find((b) => b.label === label)?.data;
      screen.print(
        `(${data === undefined ? `Kasus #${id} tidak ada di meja ini.` : await desk.staffButton(HR_GROUP, STAFF, data, now())})`,
      );
    };
    switch (command.toLowerCase()) {
      case "kasus":
        screen.print((await desk.groupList(HR_GROUP, now(), id === "" ? undefined : id)).text);
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
        const card = screen.cards.get(id);
        const reply =
          card === undefined
            ? { text: `Kasus #${id} tidak ada di meja ini.` }
            : await desk.staffMessage(HR_GROUP, STAFF, { replyTo: card.ref, text: rest.join(" ") }, now());
        if (reply !== undefined) screen.print(`(${reply.text})`);
        break;
      }
      case "statistik":
        screen.print(await desk.stats());
        break;
      default:
        screen.print(HR_HELP);
    }
    await background.flush();
  };

  const rl = createInterface({ input: options.input, terminal: options.interactive });
  // Start buffering lines now: piped input may arrive while the greeting is still being produced.
  const lines = rl[Symbol.asyncIterator]();
  if (options.interactive) {
    screen.print(
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
      screen.print(mode === "hr" ? `\n${HR_HELP}` : "\n(kembali ke chat pengguna)");
    } else if (mode === "hr" && text.length > 0) {
      await hr(text);
    } else if (text.length > 0) {
      const picked = /^\d{1,2}$/.test(text)
        ? screen.buttons.filter((b) => b.data !== undefined)[Number(text) - 1]
        : undefined;
      const event: Event | undefined =
        picked?.data !== undefined ? { type: "button", data: picked.data } : textToEvent(line);
      if (event !== undefined) await turn(event, picked !== undefined ? `[${text}] ${picked.label}` : line);
    }
    prompt();
  }
  if (options.interactive) screen.print("");
}
