import type { DrainResult, Sender } from "../core/outbox.ts";
import { splitAddress } from "../core/protocol.ts";
import type { Desk } from "./desk.ts";

/** One Sender over several channels: each item goes to the sender of its address's channel. */
export function routeSenders(senders: Record<string, Sender>): Sender {
  return async (item) => {
    const send = senders[splitAddress(item.to).channel];
    if (send === undefined) return { ok: false, permanent: true, description: `no sender for ${item.to}` };
    return send(item);
  };
}

export interface BackgroundOptions {
  /** Clock (ms since epoch); in production the database's (see app/clock.ts). */
  now: () => number;
  /** How often the desk's periodic work runs (default 30 s). */
  tickEveryMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The desk's background work, the same for `npm start` and `npm run chat`:
 * deliver what the outbox holds (at its own pace and limits) and run the
 * desk's periodic work (reminders, retention). Steps never overlap.
 */
export class Background {
  private lastTick = Number.NEGATIVE_INFINITY;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly desk: Desk,
    private readonly send: Sender,
    private readonly options: BackgroundOptions,
  ) {}

  /** One round: the periodic work when due, then one drain. */
  step(): Promise<DrainResult> {
    const run = async () => {
      const now = this.options.now();
      if (now - this.lastTick >= (this.options.tickEveryMs ?? 30_000)) {
        this.lastTick = now;
        await this.desk.tick(now);
      }
      return this.desk.store.drain(now, this.send, this.desk.hooks);
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Drains until a round sends nothing (the terminal chat, after each line). */
  async flush(maxRounds = 20): Promise<number> {
    let sent = 0;
    for (let i = 0; i < maxRounds; i++) {
      const result = await this.step();
      sent += result.sent;
      if (result.sent === 0 && result.failed === 0) break;
    }
    return sent;
  }

  start(intervalMs = 500): void {
    this.timer ??= setInterval(() => {
      this.step().catch((err: unknown) => this.options.onError?.(err));
    }, intervalMs);
  }

  /** Stops the timer and waits for the round in progress. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }
}
