import { readFileSync } from "node:fs";
import type { ApiCallFn } from "grammy";
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { MemoryDeskStore } from "../../src/adapters/memory/desk-store.ts";
import {
  apiTransformer,
  createMetrics,
  errorCodeLabel,
  turnMetrics,
  updateType,
} from "../../src/adapters/metrics.ts";
import { createTelegramSender } from "../../src/adapters/telegram/sender.ts";
import { loadWorld } from "../../src/app/world.ts";
import { DEFAULT_DESK_CONFIG, Desk } from "../../src/desk/desk.ts";
import { createTestBot } from "../helpers/bot-harness.ts";

const USER = 5101;
const GROUP = -100510;

/** Calls the transformer with a fake `prev` returning (or throwing) what it is given. */
function callThrough(
  metrics: ReturnType<typeof createMetrics>,
  method: string,
  outcome: unknown,
  throws = false,
) {
  const transformer = apiTransformer(metrics);
  const prev = (async () => {
    if (throws) throw outcome;
    return outcome;
  }) as unknown as ApiCallFn;
  return transformer(prev, method as "sendMessage", { chat_id: 1, text: "hi" });
}

describe("createMetrics", () => {
  it("renders every instrument with its labels after incrementing", async () => {
    const m = createMetrics({ collectDefault: false });
    m.updates.inc({ type: "message" });
    m.updateDuration.observe(0.012);
    m.errors.inc({ kind: "redis" });
    m.telegramApiCalls.inc({ method: "sendMessage" });
    m.telegramApiErrors.inc({ method: "sendMessage", code: "429" });
    m.telegramRateLimited.inc();
    m.telegramBlocked.inc();
    m.flowStateEntries.inc({ flow: "reset_mysapk", state: "ask_nip" });
    m.flowCompletions.inc({ flow: "reset_mysapk", state: "done" });
    m.flowInvalidInputs.inc({ flow: "reset_mysapk", state: "ask_nip" });
    m.casesOpened.inc({ type: "reset" });
    m.duplicateUpdates.inc();
    m.droppedUpdates.inc();
    m.lockWait.observe(0.003);
    m.intakeSource = () => ({ ready: { private: 3, group: 1 }, running: { private: 7, group: 2 } });

    const text = await m.render();
    for (const line of [
      'pandu_updates_total{type="message"} 1',
      'pandu_updates_total{type="callback_query"} 0',
      'pandu_update_duration_seconds_bucket{le="0.025"} 1',
      "pandu_update_duration_seconds_count 1",
      'pandu_errors_total{kind="redis"} 1',
      'pandu_errors_total{kind="lock_timeout"} 0',
      'pandu_telegram_api_calls_total{method="sendMessage"} 1',
      'pandu_telegram_api_errors_total{method="sendMessage",code="429"} 1',
      "pandu_telegram_rate_limited_total 1",
      "pandu_telegram_blocked_total 1",
      'pandu_flow_state_entries_total{flow="reset_mysapk",state="ask_nip"} 1',
      'pandu_flow_completions_total{flow="reset_mysapk",state="done"} 1',
      'pandu_flow_invalid_inputs_total{flow="reset_mysapk",state="ask_nip"} 1',
      'pandu_cases_opened_total{type="reset"} 1',
      "pandu_duplicate_updates_total 1",
      "pandu_dropped_updates_total 1",
      'pandu_intake_chats{lane="private",state="waiting"} 3',
      'pandu_intake_chats{lane="group",state="running"} 2',
      'pandu_lock_wait_seconds_bucket{le="0.005"} 1',
      "pandu_lock_wait_seconds_count 1",
    ]) {
      expect(text).toContain(line);
    }
    expect(text).not.toContain("process_cpu");
    expect(m.contentType).toMatch(/^text\/plain/);
  });

  it("uses a private registry and a custom prefix for Pandu's own metrics", async () => {
    const a = createMetrics({ prefix: "x_" });
    const b = createMetrics({ prefix: "x_" }); // same names: no clash, registries are separate
    a.duplicateUpdates.inc();
    expect(await a.render()).toContain("x_duplicate_updates_total 1");
    expect(await b.render()).toContain("x_duplicate_updates_total 0");
    expect(await globalRegistry.metrics()).not.toContain("x_duplicate_updates_total");
  });

  it("exports Node's process metrics under their standard names, without Pandu's prefix", async () => {
    const text = await createMetrics().render();
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ]) {
      expect(text).toMatch(new RegExp(`^${name} `, "m"));
    }
    expect(text).not.toContain("pandu_process_");
    expect(text).not.toContain("pandu_nodejs_");
  });

  it("exports pandu_build_info with the version from package.json and the Node version", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const text = await createMetrics({ collectDefault: false }).render();
    expect(text).toContain(`pandu_build_info{version="${version}",node="${process.version}"} 1`);
  });

  it("declares the desk's gauges and counters (the desk sets them), at 0 until then", async () => {
    const text = await createMetrics({ collectDefault: false }).render();
    for (const line of [
      "pandu_outbox_pending 0",
      "pandu_outbox_due 0",
      "pandu_outbox_dead_letters 0",
      "pandu_outbox_oldest_age_seconds 0",
      "pandu_case_oldest_unclaimed_age_seconds 0",
      "pandu_routes_broken 0",
      'pandu_faq_outcomes_total{outcome="answered"} 0',
      'pandu_faq_outcomes_total{outcome="unsure"} 0',
      'pandu_faq_outcomes_total{outcome="gap"} 0',
      "pandu_secrets_deleted_total 0",
      "pandu_turn_duration_seconds_count 0",
      "# TYPE pandu_cases_open gauge",
      "# TYPE pandu_store_up gauge",
    ]) {
      expect(text).toContain(line);
    }
  });

  it("reads the desk at scrape time and counts what turns do: secrets, FAQ outcomes, turn latency", async () => {
    const world = await loadWorld();
    const T0 = Date.UTC(2026, 10, 24, 3);
    const deadLetters: string[] = [];
    const desk = new Desk(new MemoryDeskStore(), world, {
      ...DEFAULT_DESK_CONFIG,
      fallbackGroup: `tg:${GROUP}`,
      onDeadLetter: (item, description) => deadLetters.push(`${item.to} ${description}`),
    });
    const m = createMetrics({ collectDefault: false });
    const t = createTestBot(world, {
      desk,
      hooks: turnMetrics(m),
      now: () => T0,
      // A relayed message that fails for good: one dead letter.
      fail: (method, p) =>
        method === "sendMessage" && String(p.text).includes("gagal terkirim")
          ? { error_code: 400, description: "Bad Request: message is too long" }
          : undefined,
    });
    m.watchDesk(
      () => desk.health(T0 + 3_600_000),
      () => T0 + 3_600_000,
    );
    const before = await m.render();
    expect(before).toContain("pandu_outbox_pending 0");
    expect(before).toContain('pandu_cases_open{status="open"} 0');

    const button = (label: string) => {
      for (const call of [...t.calls].reverse()) {
        const markup = call.payload.reply_markup as
          | { inline_keyboard: { text: string; callback_data?: string }[][] }
          | undefined;
        const b = markup?.inline_keyboard.flat().find((x) => x.text === label);
        if (call.payload.chat_id === USER && b?.callback_data) return b.callback_data;
      }
      throw new Error(`no button ${label}`);
    };
    await t.text(USER, "password baru saya Rahasia#2026x ditolak terus");
    await t.text(USER, "bagaimana cara aktivasi akun mysapk?");
    await t.text(USER, "apakah zyxwv qortuplam bisa?");
    for (const step of [
      "/menu",
      { tap: "📧 Email salah / tidak sesuai" },
      { tap: "Email terdaftar salah / bukan milik saya" },
      "198609262015051001",
      "Budi Santoso",
      "budi.lama@gmail.com",
      "budi.baru@gmail.com",
      "kab bogor",
      { tap: "Kabupaten Bogor" },
      { tap: "✅ Kirim ke petugas" },
      "pesan ini gagal terkirim",
    ]) {
      if (typeof step === "string") await t.text(USER, step);
      else await t.tap(USER, button(step.tap));
    }
    // Delivered, one of them for good into the dead letters; then one more message waits.
    await desk.store.drain(T0, createTelegramSender(t.bot.api), desk.hooks);
    await t.text(USER, "pesan kedua");
    const health = await desk.health(T0 + 3_600_000);
    expect(health).toMatchObject({ open: 1, claimed: 0, oldestUnclaimedAt: T0, deadLetters: 1 });
    expect(health.pending).toBeGreaterThan(0);
    expect(deadLetters).toEqual([`tg:${GROUP} Bad Request: message is too long`]);

    const text = await m.render();
    for (const line of [
      `pandu_outbox_pending ${health.pending}`,
      `pandu_outbox_due ${health.due}`,
      "pandu_outbox_dead_letters 1",
      "pandu_outbox_oldest_age_seconds 3600",
      'pandu_cases_open{status="open"} 1',
      'pandu_cases_open{status="claimed"} 0',
      "pandu_case_oldest_unclaimed_age_seconds 3600",
      "pandu_routes_broken 0",
      'pandu_faq_outcomes_total{outcome="answered"} 1',
      'pandu_faq_outcomes_total{outcome="gap"} 1',
      "pandu_secrets_deleted_total 1",
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/pandu_turn_duration_seconds_count [1-9]\d*/);
  });

  it("keeps the desk gauges as they were when the desk cannot be read, and reads once per scrape", async () => {
    const m = createMetrics({ collectDefault: false });
    let reads = 0;
    let fail = false;
    m.watchDesk(async () => {
      reads++;
      if (fail) throw new Error("database down");
      return { pending: 4, due: 2, open: 3, claimed: 1, deadLetters: 0, routesBroken: 1 };
    });
    expect(await m.render()).toContain("pandu_outbox_pending 4");
    expect(reads).toBe(1);
    fail = true;
    const text = await m.render();
    expect(text).toContain("pandu_outbox_pending 4");
    expect(text).toContain("pandu_routes_broken 1");
    expect(reads).toBe(2);
  });

  it("pandu_store_up asks each watched store at scrape time: 1 when it answers, 0 when not or when it throws", async () => {
    const m = createMetrics({ collectDefault: false });
    let redisUp = true;
    m.watchStore("redis", async () => redisUp);
    m.watchStore("postgres", async () => {
      throw new Error("ECONNREFUSED");
    });
    let text = await m.render();
    expect(text).toContain('pandu_store_up{store="redis"} 1');
    expect(text).toContain('pandu_store_up{store="postgres"} 0');
    redisUp = false;
    text = await m.render();
    expect(text).toContain('pandu_store_up{store="redis"} 0');
  });
});

describe("apiTransformer", () => {
  it("counts calls and passes a success through unchanged", async () => {
    const m = createMetrics({ collectDefault: false });
    const ok = { ok: true, result: { message_id: 7 } };
    await expect(callThrough(m, "sendMessage", ok)).resolves.toBe(ok);
    const text = await m.render();
    expect(text).toContain('pandu_telegram_api_calls_total{method="sendMessage"} 1');
    expect(text).not.toContain("pandu_telegram_api_errors_total{");
  });

  it("counts a 429 as an error and as rate limited, passing the result through", async () => {
    const m = createMetrics({ collectDefault: false });
    const tooMany = {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    };
    await expect(callThrough(m, "sendMessage", tooMany)).resolves.toBe(tooMany);
    const text = await m.render();
    expect(text).toContain('pandu_telegram_api_errors_total{method="sendMessage",code="429"} 1');
    expect(text).toContain("pandu_telegram_rate_limited_total 1");
    expect(text).toContain("pandu_telegram_blocked_total 0");
  });

  it("counts a 403 as an error and as blocked, passing the result through", async () => {
    const m = createMetrics({ collectDefault: false });
    const blocked = { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" };
    await expect(callThrough(m, "sendMessage", blocked)).resolves.toBe(blocked);
    const text = await m.render();
    expect(text).toContain('pandu_telegram_api_errors_total{method="sendMessage",code="403"} 1');
    expect(text).toContain("pandu_telegram_blocked_total 1");
    expect(text).toContain("pandu_telegram_rate_limited_total 0");
  });

  it("groups server errors as 5xx", async () => {
    const m = createMetrics({ collectDefault: false });
    await callThrough(m, "getUpdates", { ok: false, error_code: 502, description: "Bad Gateway" });
    expect(await m.render()).toContain('pandu_telegram_api_errors_total{method="getUpdates",code="5xx"} 1');
  });

  it("counts a thrown network error and rethrows it", async () => {
    const m = createMetrics({ collectDefault: false });
    const failure = new Error("ECONNRESET");
    await expect(callThrough(m, "answerCallbackQuery", failure, true)).rejects.toBe(failure);
    const text = await m.render();
    expect(text).toContain('pandu_telegram_api_calls_total{method="answerCallbackQuery"} 1');
    expect(text).toContain('pandu_telegram_api_errors_total{method="answerCallbackQuery",code="network"} 1');
  });
});

describe("updateType", () => {
  it.each([
    [{ update_id: 1, message: {} }, "message"],
    [{ update_id: 1, edited_message: {} }, "edited_message"],
    [{ update_id: 1, callback_query: {} }, "callback_query"],
    [{ update_id: 1, inline_query: {} }, "inline_query"],
    [{ update_id: 1, my_chat_member: {} }, "my_chat_member"],
    [{ update_id: 1, channel_post: {} }, "channel_post"],
    [{ message: {}, update_id: 1 }, "message"],
    [{ update_id: 1, edited_channel_post: {} }, "other"],
    [{ update_id: 1, chat_join_request: {} }, "other"],
    [{ update_id: 1 }, "other"],
    [{}, "other"],
  ])("%j → %s", (update, expected) => {
    expect(updateType(update)).toBe(expected);
  });
});

describe("errorCodeLabel", () => {
  it.each([
    [429, "429"],
    [403, "403"],
    [400, "400"],
    [500, "5xx"],
    [502, "5xx"],
    [0, "other"],
  ])("%i → %s", (code, expected) => {
    expect(errorCodeLabel(code)).toBe(expected);
  });
});
