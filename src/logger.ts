import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import { maskText } from "./core/mask.ts";

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * Paths that may carry message text or personal data: removed from every log
 * line. Code logs masked values under keys of its own instead (see core/mask.ts).
 */
export const REDACT_PATHS = [
  "text",
  "*.text",
  "caption",
  "*.caption",
  "vars",
  "*.vars",
  "session",
  "payload.text",
  "payload.reply_markup",
  "update.message",
  "update.callback_query",
  "password",
  "*.password",
  "token",
  "*.token",
];

/**
 * Keys dropped at any depth of a log object (see scrubLog): a grammY context
 * (`ctx`: the update with the user's text), its API (`api`: the bot token), a
 * token, and the payload of a failed Bot API call (what the bot tried to send).
 */
const DROPPED_KEYS = new Set(["ctx", "api", "token", "payload"]);
const DROPPED = "[redacted]";
/** Objects deeper than this are not walked (log objects are shallow; this bounds the cost). */
const SCRUB_DEPTH = 8;
/** A Telegram bot token (digits, colon, 30+ characters), also inside a URL ("…/bot123:ABC…/getMe"). */
const BOT_TOKEN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

/** An error as it may appear in a log: what it is and where, never the objects it carries. */
export interface ErrorSummary {
  type: string;
  message: string;
  /** A failed Bot API call (grammY GrammyError): the method, Telegram's error code and description. */
  method?: string;
  code?: number;
  description?: string;
  /** The error beneath an HTTP failure (grammY HttpError), type and message only. */
  cause?: { type: string; message: string };
  /** The update being handled when a bot middleware threw (grammY BotError). */
  update_id?: number;
}

/** A message fit for a log: bot tokens removed, NIP-like numbers and emails masked, bounded. */
export function cleanMessage(message: string, max = 500): string {
  return maskText(message.slice(0, max).replace(BOT_TOKEN, "[token]"));
}

/**
 * Type, message (cleaned), and for a Bot API failure its method, code and
 * description; for grammY's BotError the inner error plus the update id. Never
 * the context, the API (token), the payload or the stack's message line. Duck
 * typed: the logger knows no channel library. Idempotent on a summary.
 */
export function errorSummary(error: unknown): ErrorSummary {
  if (error instanceof Error) {
    const e = error as Error & Record<string, unknown>;
    if (e.name === "BotError" && "ctx" in e) {
      const inner = errorSummary(e.error);
      const update = (e.ctx as { update?: { update_id?: unknown } } | undefined)?.update;
      return typeof update?.update_id === "number" ? { ...inner, update_id: update.update_id } : inner;
    }
    const out: ErrorSummary = { type: e.name, message: cleanMessage(e.message) };
    if (typeof e.method === "string") out.method = e.method.slice(0, 64);
    if (typeof e.error_code === "number") out.code = e.error_code;
    if (typeof e.description === "string") out.description = cleanMessage(e.description, 300);
    if (e.name === "HttpError" && e.error instanceof Error)
      out.cause = { type: e.error.name, message: cleanMessage(e.error.message, 300) };
    return out;
  }
  if (isSummary(error)) return error;
  if (typeof error === "string") return { type: "string", message: cleanMessage(error, 200) };
  return { type: error === null ? "null" : typeof error, message: "" };
}

function isSummary(value: unknown): value is ErrorSummary {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === "string" && typeof v.message === "string";
}

/**
 * The safety net under every log line (pino `formatters.log`): drops `ctx`,
 * `api`, `token` and `payload` at any depth, turns every Error into its summary
 * and removes bot tokens from strings. Copy on write: an object with nothing
 * to remove is returned as is, so an ordinary line costs one walk of its keys.
 */
export function scrubLog<T>(value: T): T {
  return scrub(value, 0) as T;
}

function scrub(value: unknown, depth: number): unknown {
  // Cheap test first: a token needs a colon and some length.
  if (typeof value === "string")
    return value.length > 25 && value.includes(":") ? value.replace(BOT_TOKEN, "[token]") : value;
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Error) return errorSummary(value);
  if (depth >= SCRUB_DEPTH) return "[depth]";
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const clean = scrub(item, depth + 1);
      if (clean !== item) {
        copy ??= [...value];
        copy[i] = clean;
      }
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const clean = DROPPED_KEYS.has(key) ? DROPPED : scrub(item, depth + 1);
    if (clean !== item) {
      copy ??= { ...source };
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

/** Whatever sits under `err`: an Error becomes its summary, a string is cleaned, the rest was scrubbed. */
function errSerializer(value: unknown): unknown {
  if (value instanceof Error) return errorSummary(value);
  return typeof value === "string" ? cleanMessage(value) : value;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { service: "pandu" },
      serializers: { err: errSerializer },
      formatters: { log: (object) => scrubLog(object) },
    },
    options.destination,
  );
}

/** The logging a turn or a handler does: one line at a level (a pino Logger is one). */
export interface Log {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

type Level = "debug" | "info" | "warn" | "error";

/**
 * A child of `root` with `bindings`, made on the first line written at an
 * enabled level: most updates log nothing, and pino serialises and redacts a
 * child's bindings when it is made (≈ 4 KB per update in the benchmark profile).
 */
export class LazyChild implements Log {
  private child: Logger | undefined;

  constructor(
    private readonly root: Logger,
    private readonly bindings: () => Record<string, unknown>,
  ) {}

  debug(obj: object | string, msg?: string): void {
    this.line("debug", obj, msg);
  }

  info(obj: object | string, msg?: string): void {
    this.line("info", obj, msg);
  }

  warn(obj: object | string, msg?: string): void {
    this.line("warn", obj, msg);
  }

  error(obj: object | string, msg?: string): void {
    this.line("error", obj, msg);
  }

  private line(level: Level, obj: object | string, msg?: string): void {
    if (!this.root.isLevelEnabled(level)) return;
    this.child ??= this.root.child(this.bindings());
    if (msg === undefined) this.child[level](obj as object);
    else this.child[level](obj as object, msg);
  }
}
