import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createHttpServer,
  type HttpOptions,
  type HttpRoute,
  type HttpServer,
  OPS_ROUTES,
  PUBLIC_ROUTES,
} from "../../src/adapters/http/server.ts";
import { createLogger } from "../../src/logger.ts";

const SECRET = "s3cr3t-token_ABC";
const PATH = "/telegram/2f9c1e7a4b";
const UPDATE = { update_id: 4242, message: { message_id: 1, chat: { id: 5, type: "private" }, date: 0 } };

/** Every route on one listener, so each can be tested alone; production splits them (see "two listeners"). */
const ALL_ROUTES: readonly HttpRoute[] = ["webhook", "healthz", "readyz", "metrics"];

let running: HttpServer | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(overrides: Partial<HttpOptions> = {}): Promise<{ url: string; http: HttpServer }> {
  const http = createHttpServer({
    logger: createLogger({ level: "silent" }),
    webhookPath: PATH,
    webhookSecret: SECRET,
    handleUpdate: async () => undefined,
    ready: async () => ({ ok: true, checks: { redis: true } }),
    routes: ALL_ROUTES,
    ...overrides,
  });
  running = http;
  const port = await http.listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}`, http };
}

function post(
  url: string,
  body: NonNullable<RequestInit["body"]>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url + PATH, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET, ...headers },
    body,
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("two listeners: public and operators'", () => {
  const metrics = {
    contentType: "text/plain; version=0.0.4; charset=utf-8",
    render: async () => "pandu_updates_total 3\n",
  };

  it.each([
    ["by default", {}],
    ["with PUBLIC_ROUTES", { routes: PUBLIC_ROUTES }],
  ])(
    "the public listener %s serves the webhook and /healthz only: /metrics and /readyz → 404",
    async (_, options) => {
      const handled: unknown[] = [];
      const { url } = await start({
        routes: undefined,
        ...options,
        metrics,
        handleUpdate: async (u) => {
          handled.push(u);
        },
      });
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      expect((await fetch(`${url}/readyz`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await post(url, JSON.stringify(UPDATE))).status).toBe(200);
      expect(handled).toEqual([UPDATE]);
    },
  );

  it("the operators' listener (OPS_ROUTES) serves /metrics, /readyz and /healthz, never the webhook", async () => {
    const handled: unknown[] = [];
    const { url } = await start({
      routes: OPS_ROUTES,
      metrics,
      handleUpdate: async (u) => {
        handled.push(u);
      },
    });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("pandu_updates_total 3");
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await post(url, JSON.stringify(UPDATE))).status).toBe(404);
    expect(handled).toEqual([]);
  });

  it("/readyz without a readiness check → 404", async () => {
    const { url } = await start({ routes: OPS_ROUTES, ready: undefined });
    expect((await fetch(`${url}/readyz`)).status).toBe(404);
  });
});

describe("health, readiness, metrics", () => {
  it("GET /healthz → 200 ok", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz → 200 with the checks when ready", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { redis: true } });
  });

  it("GET /readyz → 503 with the checks when not ready", async () => {
    const { url } = await start({
      ready: async () => ({ ok: false, checks: { redis: false, flows: true } }),
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, checks: { redis: false, flows: true } });
  });

  it("GET /readyz → 503 when the check itself throws", async () => {
    const { url } = await start({
      ready: async () => {
        throw new Error("redis down");
      },
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it("health and readiness report not ready while the process is shutting down", async () => {
    const { url } = await start({ shuttingDown: () => true });
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await post(url, JSON.stringify(UPDATE))).status).toBe(503);
  });

  it("GET /metrics → Prometheus text with its content type", async () => {
    const metrics = {
      contentType: "text/plain; version=0.0.4; charset=utf-8",
      render: async () => "# HELP pandu_updates_total x\npandu_updates_total 3\n",
    };
    const { url } = await start({ metrics });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics.contentType);
    expect(await res.text()).toContain("pandu_updates_total 3");
  });

  it("GET /metrics → 404 without metrics", async () => {
    const { url } = await start();
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it("unknown path → 404, wrong method on a known path → 405", async () => {
    const { url } = await start();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/telegram/other`, { method: "POST", body: "{}" })).status).toBe(404);
    const postHealth = await fetch(`${url}/healthz`, { method: "POST", body: "" });
    expect(postHealth.status).toBe(405);
    expect(postHealth.headers.get("allow")).toBe("GET, HEAD");
    const getHook = await fetch(url + PATH);
    expect(getHook.status).toBe(405);
    expect(getHook.headers.get("allow")).toBe("POST");
  });

  it("logs each request at debug level, masking long segments of unknown paths", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(line) },
    });
    const { url } = await start({ logger });
    expect((await fetch(`${url + PATH}/`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({
        level: 20,
        method: "POST",
        route: "unknown",
        path: "/telegram/***/",
        status: 404,
      }),
      expect.objectContaining({
        level: 20,
        method: "GET",
        route: "healthz",
        status: 200,
        ms: expect.any(Number),
      }),
    ]);
    expect(lines.join("")).not.toContain("2f9c1e7a4b");
  });

  it("without a webhook path there is no webhook route", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ webhookPath: undefined, handleUpdate });
    expect((await post(url, JSON.stringify(UPDATE))).status).toBe(404);
    expect(handleUpdate).not.toHaveBeenCalled();
  });
});

describe("webhook", () => {
  it("right secret → handler called once with the parsed update and its text → 200 {}", async () => {
    const handleUpdate = vi.fn(async (_update: unknown, _raw: string) => undefined);
    const { url } = await start({ handleUpdate });
    const res = await post(url, JSON.stringify(UPDATE), {
      "content-type": "application/json; charset=utf-8",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(handleUpdate).toHaveBeenCalledTimes(1);
    expect(handleUpdate).toHaveBeenCalledWith(UPDATE, JSON.stringify(UPDATE));
  });

  it("wrong secret → 401 and the handler is not called", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate });
    const res = await post(url, JSON.stringify(UPDATE), { "x-telegram-bot-api-secret-token": `${SECRET}x` });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "unauthorized" });
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("missing secret → 401 and the handler is not called", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate });
    const res = await fetch(url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(UPDATE),
    });
    expect(res.status).toBe(401);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("no secret configured → any caller is accepted", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate, webhookSecret: undefined });
    const res = await fetch(url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(UPDATE),
    });
    expect(res.status).toBe(200);
    expect(handleUpdate).toHaveBeenCalledTimes(1);
  });

  it("non-JSON content type → 415", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate });
    const res = await post(url, JSON.stringify(UPDATE), { "content-type": "text/plain" });
    expect(res.status).toBe(415);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("oversized body (2 MiB, max 1 MiB) → 413 and the handler is not called", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate, maxBodyBytes: 1024 * 1024 });
    const big = JSON.stringify({ update_id: 1, message: { text: "x".repeat(2 * 1024 * 1024) } });
    const res = await post(url, big);
    expect(res.status).toBe(413);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("oversized streamed body without content-length → 413 and the handler is not called", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate, maxBodyBytes: 64 * 1024 });
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"update_id":1,"pad":"'));
        if (sent >= 16) controller.close();
        else controller.enqueue(chunk);
        sent += 1;
      },
    });
    const res = await fetch(url + PATH, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("malformed JSON → 400", async () => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate });
    const res = await post(url, '{"update_id": 1,');
    expect(res.status).toBe(400);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it.each([
    ["an object without update_id", { message: {} }],
    ["a non-numeric update_id", { update_id: "1" }],
    ["an array", [{ update_id: 1 }]],
    ["null", null],
  ])("JSON that is %s → 400", async (_name, value) => {
    const handleUpdate = vi.fn(async () => undefined);
    const { url } = await start({ handleUpdate });
    const res = await post(url, JSON.stringify(value));
    expect(res.status).toBe(400);
    expect(handleUpdate).not.toHaveBeenCalled();
  });

  it("handler throws → 500, and the error is logged without the body", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => lines.push(line) },
    });
    const { url } = await start({
      logger,
      handleUpdate: async () => {
        throw new Error("redis write failed");
      },
    });
    const res = await post(
      url,
      JSON.stringify({ ...UPDATE, message: { ...UPDATE.message, text: "rahasia-123" } }),
    );
    expect(res.status).toBe(500);
    const log = lines.join("");
    expect(log).toContain("redis write failed");
    expect(log).toContain('"route":"webhook"');
    expect(log).not.toContain("rahasia-123");
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(PATH);
  });

  it("handler slower than timeoutMs → 503 (the work still finishes)", async () => {
    let finished = false;
    const { url } = await start({
      timeoutMs: 50,
      handleUpdate: async () => {
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
    });
    const res = await post(url, JSON.stringify(UPDATE));
    expect(res.status).toBe(503);
    expect(finished).toBe(false);
    await running?.close();
    expect(finished).toBe(true);
  });

  it("close() waits for an in-flight handler before resolving", async () => {
    const release = deferred();
    const entered = deferred();
    let committed = false;
    const { url, http } = await start({
      handleUpdate: async () => {
        entered.resolve();
        await release.promise;
        committed = true;
      },
    });
    const response = post(url, JSON.stringify(UPDATE));
    await entered.promise;

    let closed = false;
    const closing = http.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);

    release.resolve();
    expect((await response).status).toBe(200);
    await closing;
    expect(committed).toBe(true);
    expect(closed).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it("close() gives up on a stuck handler after closeTimeoutMs", async () => {
    const { url, http } = await start({
      closeTimeoutMs: 100,
      timeoutMs: 60_000,
      handleUpdate: () => new Promise<void>(() => undefined),
    });
    const response = post(url, JSON.stringify(UPDATE)).catch((error: unknown) => error);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await http.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    await response;
  });
});
