import type { ApiCallFn } from "grammy";
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { apiTransformer, createMetrics, errorCodeLabel, updateType } from "../../src/adapters/metrics.ts";

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

  it("uses a private registry, a custom prefix and default metrics on request", async () => {
    const a = createMetrics({ prefix: "x_" });
    const b = createMetrics({ prefix: "x_" }); // same names: no clash, registries are separate
    a.duplicateUpdates.inc();
    expect(await a.render()).toContain("x_duplicate_updates_total 1");
    expect(await a.render()).toContain("x_process_cpu_user_seconds_total");
    expect(await b.render()).toContain("x_duplicate_updates_total 0");
    expect(await globalRegistry.metrics()).not.toContain("x_duplicate_updates_total");
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
