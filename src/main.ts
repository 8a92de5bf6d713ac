/**
 * Composition root: the only module that reads process.env. `npm start` runs
 * the Telegram bot: long polling, or a webhook when WEBHOOK_URL is set.
 */
import { startRuntime } from "./app/runtime.ts";
import { parseBotConfig } from "./config.ts";
import { createLogger } from "./logger.ts";

try {
  loadDotEnv();
  const config = parseBotConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  const runtime = await startRuntime(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutdown requested");
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    runtime.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

/**
 * Reads `.env` from the working directory when there is one. Node's own loader: variables already in
 * the environment are kept (the environment wins over the file).
 */
function loadDotEnv(path = ".env"): void {
  try {
    process.loadEnvFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new Error(`${path} tidak dapat dibaca: ${err instanceof Error ? err.message : String(err)}`);
  }
}
