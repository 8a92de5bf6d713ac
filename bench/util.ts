/**
 * Bench plumbing shared by every scenario: clocks and percentiles, memory
 * snapshots, Telegram update builders, a fake Bot API answering at each
 * framework's API-call boundary, and the journey driver.
 */
import type { Update } from "grammy/types";

// ---------------------------------------------------------------- options

export interface BenchOptions {
  quick: boolean;
  redisUrl: string;
  /** Unique per run: every Redis key written starts with `${prefix}:`. */
  prefix: string;
}

// ---------------------------------------------------------------- time, stats

export const now = (): number => performance.now();

/** Latency samples in ms. */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(ms: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = ms;
  }

  at(i: number): number {
    return this.data[i] ?? 0;
  }

  /** Sorted copy of the samples. */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }

  summary(): LatencySummary {
    const s = this.sorted();
    let sum = 0;
    for (const x of s) sum += x;
    return {
      count: s.length,
      meanMs: s.length === 0 ? 0 : sum / s.length,
      p50Ms: percentile(s, 50),
      p99Ms: percentile(s, 99),
      maxMs: s.length === 0 ? 0 : s[s.length - 1]!,
    };
  }
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

// ---------------------------------------------------------------- memory

const gc = (globalThis as { gc?: () => void }).gc;
export const HAVE_GC = typeof gc === "function";

/** Full collections until the heap stops shrinking (needs --expose-gc). */
export function collect(): void {
  if (gc === undefined) return;
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 64 * 1024) break;
    last = used;
  }
}

export interface MemorySnapshot {
  heapUsed: number;
  rss: number;
}

/** Heap and RSS after a full GC (bytes). */
export function memory(): MemorySnapshot {
  collect();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss };
}

/** Peak heap (live + garbage) and RSS seen while a run is in flight. */
export class PeakMemory {
  heap = 0;
  rss = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.heapUsed > this.heap) this.heap = m.heapUsed;
    if (m.rss > this.rss) this.rss = m.rss;
  }
}

export const MB = 1024 * 1024;

// ---------------------------------------------------------------- Telegram updates

export const BOT_ID = 424242;
export const BOT_USERNAME = "PanduBenchBot";
export const DATE = 1_790_000_000;

export function textUpdate(updateId: number, chatId: number, messageId: number, text: string): Update {
  const message: Record<string, unknown> = {
    message_id: messageId,
    date: DATE,
    chat: { id: chatId, type: "private", first_name: "Budi" },
    from: { id: chatId, is_bot: false, first_name: "Budi", language_code: "id" },
    text,
  };
  if (text.startsWith("/")) {
    const length = text.split(/\s/)[0]!.length;
    message.entities = [{ type: "bot_command", offset: 0, length }];
  }
  return { update_id: updateId, message } as unknown as Update;
}

export function callbackUpdate(updateId: number, chatId: number, messageId: number, data: string): Update {
  return {
    update_id: updateId,
    callback_query: {
      id: `${chatId}-${updateId}`,
      from: { id: chatId, is_bot: false, first_name: "Budi", language_code: "id" },
      chat_instance: `ci${chatId}`,
      data,
      message: {
        message_id: messageId,
        date: DATE,
        chat: { id: chatId, type: "private", first_name: "Budi" },
        from: { id: BOT_ID, is_bot: true, first_name: "Pandu", username: BOT_USERNAME },
        text: "…",
      },
    },
  } as unknown as Update;
}

// ---------------------------------------------------------------- fake Bot API

interface KeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
}

interface ChatView {
  /** The last inline keyboard the bot sent to this chat. */
  keyboard: KeyboardButton[][];
  /** The bot's last message in this chat (a tap's callback message). */
  messageId: number;
  /** The bot's last text in this chat (journey checks). */
  text: string;
}

/**
 * The Bot API as seen at each framework's API-call boundary: answers every
 * method with a well-formed result (a Message for sendMessage, `true`
 * otherwise), and remembers per chat the last keyboard and message so the
 * driver can tap buttons the way a user does.
 */
export class FakeTelegram {
  readonly chats = new Map<number, ChatView>();
  readonly calls = new Map<string, number>();
  private messageId = 0;

  /** The Bot API result for one call. */
  answer(method: string, payload: Record<string, unknown>): unknown {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (method === "sendMessage") {
      const chatId = Number(payload.chat_id);
      const message = {
        message_id: ++this.messageId,
        date: DATE,
        chat: { id: chatId, type: "private", first_name: "Budi" },
        from: { id: BOT_ID, is_bot: true, first_name: "Pandu", username: BOT_USERNAME },
        text: payload.text as string,
      };
      const markup = payload.reply_markup as { inline_keyboard?: KeyboardButton[][] } | undefined;
      const view = this.chats.get(chatId);
      if (view === undefined) {
        this.chats.set(chatId, {
          keyboard: markup?.inline_keyboard ?? [],
          messageId: message.message_id,
          text: message.text,
        });
      } else {
        if (markup?.inline_keyboard !== undefined) view.keyboard = markup.inline_keyboard;
        view.messageId = message.message_id;
        view.text = message.text;
      }
      return message;
    }
    if (method === "getMe") return { id: BOT_ID, is_bot: true, first_name: "Pandu", username: BOT_USERNAME };
    return true;
  }

  /** grammY transformer answer: the raw `{ ok, result }` envelope. */
  envelope(method: string, payload: unknown): { ok: true; result: unknown } {
    return { ok: true, result: this.answer(method, (payload ?? {}) as Record<string, unknown>) };
  }

  /** Callback data of the button labelled `label` in the chat's last keyboard (exact, else unique substring). */
  data(chatId: number, label: string): string {
    const buttons = this.chats.get(chatId)?.keyboard.flat() ?? [];
    let found: KeyboardButton | undefined;
    for (const b of buttons) if (b.text === label) found = b;
    if (found === undefined) {
      const loose = buttons.filter((b) => b.text.includes(label));
      if (loose.length === 1) found = loose[0];
    }
    if (found?.callback_data === undefined) {
      throw new Error(
        `chat ${chatId}: no button '${label}' among: ${buttons.map((b) => b.text).join(" | ") || "(none)"}`,
      );
    }
    return found.callback_data;
  }

  lastMessageId(chatId: number): number {
    return this.chats.get(chatId)?.messageId ?? 1;
  }

  lastText(chatId: number): string {
    return this.chats.get(chatId)?.text ?? "";
  }

  forget(chatId: number): void {
    this.chats.delete(chatId);
  }

  totalCalls(): number {
    let n = 0;
    for (const c of this.calls.values()) n += c;
    return n;
  }

  resetCounts(): void {
    this.calls.clear();
  }
}

// ---------------------------------------------------------------- journeys

/** One user action: a text message, or a tap on the button with this label. */
export type Step = { text: string } | { tap: string };

/** A framework under test: its own handleUpdate, its session store, the fake API behind it. */
export interface Subject {
  readonly name: string;
  readonly fake: FakeTelegram;
  handle(update: Update): Promise<void>;
  /** What the store holds for this chat right now (bytes), or undefined when nothing. */
  stored(chatId: number): Promise<StoredSize | undefined>;
  close(): Promise<void>;
}

export interface StoredSize {
  /** Length of the session value as stored (JSON text), bytes (UTF-8). */
  json: number;
  /** Other per-chat values the framework stores (Pandu: recent update ids for dedupe), bytes. */
  extra?: number;
  /** Redis MEMORY USAGE of every key of the chat. */
  redisMemory?: number;
}

export interface DriveContext {
  subject: Subject;
  steps: readonly Step[];
  samples: Samples;
  peak?: PeakMemory;
  /** Shared update id counter. */
  ids: { update: number };
  /** Text the chat's last bot message must contain when the journey is over. */
  expectEnd?: string;
}

/** Runs one chat's journey, one update after the other, timing each handleUpdate. */
export async function driveChat(ctx: DriveContext, chatId: number, keepView = false): Promise<void> {
  const { subject, steps, samples } = ctx;
  const fake = subject.fake;
  let userMessage = 0;
  for (const step of steps) {
    const update =
      "text" in step
        ? textUpdate(++ctx.ids.update, chatId, ++userMessage, step.text)
        : callbackUpdate(++ctx.ids.update, chatId, fake.lastMessageId(chatId), fake.data(chatId, step.tap));
    const started = performance.now();
    await subject.handle(update);
    samples.push(performance.now() - started);
    if (ctx.peak !== undefined && (ctx.ids.update & 2047) === 0) ctx.peak.sample();
  }
  if (ctx.expectEnd !== undefined && !fake.lastText(chatId).includes(ctx.expectEnd)) {
    throw new Error(
      `${subject.name}: chat ${chatId} ended on "${fake.lastText(chatId).slice(0, 80)}", expected "${ctx.expectEnd}"`,
    );
  }
  if (!keepView) fake.forget(chatId);
}

/** Chats `first .. first+count-1`, all in flight at once (each chat's updates in order). */
export async function driveInFlight(ctx: DriveContext, first: number, count: number): Promise<void> {
  const runs: Promise<void>[] = [];
  for (let i = 0; i < count; i++) runs.push(driveChat(ctx, first + i));
  await Promise.all(runs);
}

/** Chats one at a time. */
export async function driveSequential(ctx: DriveContext, first: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await driveChat(ctx, first + i);
}

// ---------------------------------------------------------------- results

export interface RunResult {
  updates: number;
  seconds: number;
  updatesPerSecond: number;
  latency: LatencySummary;
  /** Heap after GC at the end of the run, with every session of the run still stored (MB). */
  heapMB: number;
  /** Highest heap (live + garbage) sampled during the run (MB). */
  heapPeakMB: number;
  /** Highest RSS sampled during the run (MB). */
  rssPeakMB: number;
  /** Process CPU time (user + system, all threads incl. GC helpers) per update, µs: steadier than wall time on a shared machine. */
  cpuUsPerUpdate: number;
  /** Bot API calls per update. */
  apiCallsPerUpdate: number;
}

/** Process CPU time so far (µs, user + system). */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Formats rows as a fixed-width text table: numbers right-aligned, text left-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : c)))];
  const numeric = headers.map((_, i) => rows.some((r) => typeof r[i] === "number"));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return "-";
  if (Number.isInteger(x) || Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  if (Math.abs(x) >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
