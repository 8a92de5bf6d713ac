import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { textToEvent } from "../../app/commands.ts";
import { decide } from "../../app/decide.ts";
import type { ButtonView, Effect, Event, World } from "../../core/flow/transition.ts";
import type { Session } from "../../core/session.ts";

export interface ChatOptions {
  world: World;
  input: Readable;
  output: Writable;
  /** TTY: show a prompt; piped: echo each user line (never a deleted one). */
  interactive: boolean;
  now?: () => number;
}

/**
 * Terminal chat over the same engine as Telegram: one user message per line;
 * a number picks the numbered button of the last bot message. Sessions live in
 * memory and are JSON round-tripped between turns, as a store would.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const out = (line: string) => options.output.write(`${line}\n`);
  let stored: string | undefined;
  let buttons: ButtonView[] = [];

  const turn = (event: Event, shown: string | undefined) => {
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
    buttons = render(decision.effects, out, buttons);
    stored = JSON.stringify(decision.session satisfies Session);
  };

  const rl = createInterface({ input: options.input, terminal: options.interactive });
  if (options.interactive) {
    out(
      "Pandu, chat terminal. Ketik pesan, atau nomor tombol. /menu, /batal, /bantuan; Ctrl+D untuk keluar.",
    );
  }
  turn({ type: "start" }, undefined);
  if (options.interactive) options.output.write("\nAnda: ");
  for await (const line of rl) {
    const text = line.trim();
    if (text.length > 0) {
      const picked = /^\d{1,2}$/.test(text)
        ? buttons.filter((b) => b.data !== undefined)[Number(text) - 1]
        : undefined;
      const event: Event | undefined =
        picked?.data !== undefined ? { type: "button", data: picked.data } : textToEvent(line);
      if (event !== undefined) turn(event, picked !== undefined ? `[${text}] ${picked.label}` : line);
    }
    if (options.interactive) options.output.write("\nAnda: ");
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
