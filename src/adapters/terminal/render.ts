/**
 * The terminal as a channel: effects and outbox messages printed as lines,
 * buttons numbered. Addresses: "term:user" (the one user) and "term:hr" (the
 * one HR desk). Message references are a running number, as a chat's would be.
 */
import { APOLOGY, OUTAGE } from "../../core/notices.ts";
import type { Sender } from "../../core/outbox.ts";
import type { ButtonView, OutMessage } from "../../core/protocol.ts";
import type { ChannelEffect, TurnIO } from "../../turn.ts";

export const CHANNEL = "term";
export const USER = `${CHANNEL}:user`;
export const HR_GROUP = `${CHANNEL}:hr`;

export interface Screen {
  print(line: string): void;
  /** The buttons of the last message that had any: what a typed number picks. */
  buttons: ButtonView[];
  /** Case cards as shown at the HR desk: their buttons and message reference, by case id. */
  cards: Map<string, { buttons: ButtonView[]; ref: string }>;
  /** The last message reference handed out. */
  lastRef: number;
}

export function createScreen(print: (line: string) => void): Screen {
  return { print, buttons: [], cards: new Map(), lastRef: 0 };
}

/** Prints bot messages with numbered buttons (URL buttons with their link). */
export function showReply(screen: Screen, text: string, buttons: ButtonView[][] | undefined): void {
  screen.print(`\nPandu: ${text}`);
  if (buttons === undefined || buttons.length === 0) return;
  screen.buttons = buttons.flat();
  let n = 0;
  for (const b of screen.buttons) {
    if (b.data !== undefined) screen.print(`  [${++n}] ${b.label}`);
    else screen.print(`  🔗 ${b.label}: ${b.url}`);
  }
}

/** A turn's effects on the screen; `before` learns first whether the user's message is to be deleted. */
export function terminalIO(screen: Screen, before: (deleted: boolean) => void): TurnIO {
  return {
    async run(effects: ChannelEffect[]) {
      before(effects.some((e) => e.type === "delete-incoming"));
      for (const effect of effects) {
        if (effect.type === "reply") showReply(screen, effect.text, effect.buttons);
        else if (effect.type === "toast") screen.print(`(${effect.text})`);
      }
    },
    async outage() {
      screen.print(`\nPandu: ${OUTAGE}`);
    },
    async apologise() {
      screen.print(`\nPandu: ${APOLOGY}`);
    },
  };
}

/** The outbox's sender for the terminal: prints each message where it would appear. */
export function terminalSender(screen: Screen): Sender {
  return async (item) => {
    const m: OutMessage = item.message;
    if (m.type === "topic") return { ok: true, delivered: { topic: String(++screen.lastRef) } };
    if (m.type === "react") {
      screen.print(`(${m.emoji} terkirim ke pengguna)`);
      return { ok: true, delivered: {} };
    }
    const text = m.type === "photo" ? `[foto] ${m.caption ?? ""}` : m.text;
    const buttons = m.type === "photo" ? [] : (m.buttons ?? []);
    if (item.to === USER) {
      showReply(screen, text, buttons);
    } else {
      screen.print(`\n[Meja HR] ${m.type === "edit" ? "(kartu diperbarui) " : ""}${text}`);
      const caseId = item.tag?.startsWith("card:") ? item.tag.slice(5) : undefined;
      if (caseId !== undefined)
        screen.cards.set(caseId, { buttons: buttons.flat(), ref: String(screen.lastRef + 1) });
      if (m.type === "edit") {
        const cardOf = [...screen.cards.entries()].find(([, c]) => c.ref === m.ref);
        if (cardOf !== undefined) cardOf[1].buttons = buttons.flat();
        return { ok: true, delivered: { ref: m.ref } };
      }
    }
    return { ok: true, delivered: { ref: String(++screen.lastRef) } };
  };
}
