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
