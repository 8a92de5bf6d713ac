import { MemoryFaqLog } from "../../src/adapters/memory/faq-log.ts";
import { faqLogContract } from "./faq-log-contract.ts";

faqLogContract("memory", async ({ max, retentionDays }) => {
  const log = new MemoryFaqLog({
    ...(max !== undefined ? { max } : {}),
    ...(retentionDays !== undefined ? { retentionMs: retentionDays * 24 * 3_600_000 } : {}),
  });
  return { log, stored: async () => log.stored() };
});
