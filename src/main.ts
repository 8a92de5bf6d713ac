/**
 * Composition root: the only module that reads process.env. `npm start` runs
 * the Telegram bot with long polling (BOT_TOKEN required).
 */

import { createBot } from "./adapters/telegram/bot.ts";
import { COMMAND_MENU } from "./app/commands.ts";
import { loadWorld } from "./app/world.ts";
import { parseConfig } from "./config.ts";
import { createLogger } from "./logger.ts";

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const logger = createLogger({ level: config.LOG_LEVEL });
  if (config.BOT_TOKEN === undefined) {
    throw new Error("BOT_TOKEN belum diisi. Untuk mencoba tanpa Telegram: npm run chat");
  }
  const world = await loadWorld({ flowsDir: config.FLOWS_DIR });
  const bot = createBot({
    token: config.BOT_TOKEN,
    world,
    logger,
    ...(config.TELEGRAM_API_ROOT !== undefined ? { apiRoot: config.TELEGRAM_API_ROOT } : {}),
  });
  await bot.init();
  await bot.api.setMyCommands(COMMAND_MENU);
  const stop = () => {
    logger.info("stopping");
    void bot.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  logger.info({ bot: bot.botInfo.username, flows: world.flows.flows.size }, "Pandu berjalan (long polling)");
  await bot.start({ allowed_updates: ["message", "callback_query", "inline_query", "my_chat_member"] });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
