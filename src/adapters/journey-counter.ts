/**
 * Feeds the durable journey aggregates from the turn's track effects. The hot
 * path only increments a counter in a Map keyed by hour, flow and step (no I/O,
 * no allocation beyond a new key); every `flushEveryMs` (and at shutdown) the
 * counts go to the store in one transaction, summed per day, hour and FAQ entry.
 * A failed flush keeps its counts for the next one; a crash loses at most one
 * interval. Several instances add to the same rows.
 */
import { wibDay } from "../core/desk/report.ts";
import type { Effect } from "../core/protocol.ts";
import { addTally, type JourneyBatch, type JourneyLog, NO_STEPS, type StepTally } from "../stores.ts";

export type TrackEffect = Extract<Effect, { type: "track" }>;

const HOUR_MS = 3_600_000;
/** Distinct keys held between flushes; beyond it new keys are dropped (and counted). */
const MAX_KEYS = 50_000;

type Counts = StepTally;

export interface JourneyCounterOptions {
  now: () => number;
  /** Default 30 s. */
  flushEveryMs?: number;
  /** Hourly rows older than this are deleted (default 3 days); checked at most hourly. */
  keepHoursMs?: number;
  onError?: (err: unknown) => void;
}

export class JourneyCounter {
  private steps = new Map<string, Counts>();
  private faq = new Map<string, { used: number; unsure: number }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastPurge = Number.NEGATIVE_INFINITY;
  /** Events dropped because the key limit was reached (for logs and tests). */
  dropped = 0;

  constructor(
    private readonly log: JourneyLog,
    private readonly options: JourneyCounterOptions,
  ) {}

  /**
   * One track effect. `enter` carries the step it came from in `detail` (core/flow/transition.ts):
   * the new step counts one entry and the old one one "went on"; staying on the same step counts
   * nothing. `faq` and `faq-unsure` carry the FAQ entry id.
   */
  track(e: TrackEffect): void {
    const hour = Math.floor(this.options.now() / HOUR_MS) * HOUR_MS;
    switch (e.event) {
      case "enter": {
        const to = `${e.flow}/${e.state}`;
        if (e.detail === to) return;
        this.bump(hour, e.flow, e.state, "entered");
        const [flow, state] = e.detail?.split("/") ?? [];
        if (flow !== undefined && state !== undefined) this.bump(hour, flow, state, "wentOn");
        return;
      }
      case "complete":
        return this.bump(hour, e.flow, e.state, "completed");
      case "invalid":
        return this.bump(hour, e.flow, e.state, "invalid");
      case "faq":
      case "faq-unsure": {
        if (e.detail === undefined) return;
        const key = `${hour}\t${e.detail}`;
        const c = this.faq.get(key);
        if (c === undefined && this.full()) return;
        const next = c ?? { used: 0, unsure: 0 };
        if (e.event === "faq") next.used++;
        else next.unsure++;
        this.faq.set(key, next);
        return;
      }
      default:
        return;
    }
  }

  private full(): boolean {
    if (this.steps.size + this.faq.size < MAX_KEYS) return false;
    this.dropped++;
    return true;
  }

  private bump(hour: number, flow: string, state: string, field: keyof Counts): void {
    const key = `${hour}\t${flow}\t${state}`;
    let c = this.steps.get(key);
    if (c === undefined) {
      if (this.full()) return;
      c = { ...NO_STEPS };
      this.steps.set(key, c);
    }
    c[field]++;
  }

  /** Sends what was counted since the last flush; on failure the counts are kept for the next one. */
  flush(): Promise<void> {
    const run = async () => {
      const steps = this.steps;
      const faq = this.faq;
      this.steps = new Map();
      this.faq = new Map();
      if (steps.size > 0 || faq.size > 0) {
        try {
          await this.log.addJourneys(toBatch(steps, faq));
        } catch (err) {
          for (const [key, c] of steps) {
            this.steps.set(key, addTally(this.steps.get(key) ?? NO_STEPS, c));
          }
          for (const [key, c] of faq) {
            const now = this.faq.get(key) ?? { used: 0, unsure: 0 };
            this.faq.set(key, { used: now.used + c.used, unsure: now.unsure + c.unsure });
          }
          throw err;
        }
      }
      const now = this.options.now();
      if (now - this.lastPurge >= HOUR_MS) {
        this.lastPurge = now;
        await this.log.purgeHours(now - (this.options.keepHoursMs ?? 3 * 24 * HOUR_MS));
      }
    };
    const result = this.flushing.then(run, run);
    this.flushing = result.catch(() => undefined);
    return result;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.flush().catch((err: unknown) => this.options.onError?.(err));
    }, this.options.flushEveryMs ?? 30_000);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** The counts summed per WIB day, per hour and per FAQ entry and day. Pure. */
export function toBatch(
  steps: Map<string, Counts>,
  faq: Map<string, { used: number; unsure: number }>,
): JourneyBatch {
  const days = new Map<string, JourneyBatch["days"][number]>();
  const hours: JourneyBatch["hours"] = [];
  for (const [key, c] of steps) {
    const [hourText = "0", flow = "", state = ""] = key.split("\t");
    const hour = Number(hourText);
    hours.push({ hour, flow, state, ...c });
    const day = wibDay(hour);
    const dayKey = `${day}\t${flow}\t${state}`;
    const was = days.get(dayKey);
    days.set(dayKey, was === undefined ? { day, flow, state, ...c } : addTally(was, c));
  }
  const faqDays = new Map<string, JourneyBatch["faq"][number]>();
  for (const [key, c] of faq) {
    const [hourText = "0", entry = ""] = key.split("\t");
    const day = wibDay(Number(hourText));
    const was = faqDays.get(`${day}\t${entry}`) ?? { day, entry, used: 0, unsure: 0 };
    faqDays.set(`${day}\t${entry}`, { ...was, used: was.used + c.used, unsure: was.unsure + c.unsure });
  }
  return { days: [...days.values()], hours, faq: [...faqDays.values()] };
}
