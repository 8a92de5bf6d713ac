import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * Paths that may carry message text or personal data: removed from every log
 * line. Code logs masked values under keys of its own instead (see app/mask.ts).
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

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: { service: "pandu" },
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
