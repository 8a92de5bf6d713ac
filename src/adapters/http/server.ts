import { createHash, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorSummary, type Logger } from "../../logger.ts";

export interface ReadyReport {
  ok: boolean;
  checks: Record<string, boolean>;
}

/** What one listener can serve. */
export type HttpRoute = "webhook" | "healthz" | "readyz" | "metrics" | "dashboard";

/** The public listener (PORT, behind the reverse proxy): Telegram's webhook, a liveness probe, the dashboard (/dasbor…). */
export const PUBLIC_ROUTES: readonly HttpRoute[] = ["webhook", "healthz", "dashboard"];
/** The operators' listener (METRICS_PORT on METRICS_HOST, loopback by default): never the webhook. */
export const OPS_ROUTES: readonly HttpRoute[] = ["healthz", "readyz", "metrics"];

export interface HttpOptions {
  logger: Logger;
  /**
   * Routes this listener serves; any other path is 404. Default PUBLIC_ROUTES, so
   * metrics and readiness (which reveal internals) are never public by accident.
   */
  routes?: readonly HttpRoute[];
  /** Path that receives Telegram updates, e.g. "/telegram/<random>"; absent = no webhook route (polling mode). */
  webhookPath?: string;
  /**
   * Telegram's secret_token; when set, X-Telegram-Bot-Api-Secret-Token must
   * equal it (constant-time compare) or 401 and nothing is processed.
   */
  webhookSecret?: string;
  /**
   * Handles one parsed update (with its JSON text as received); resolves when
   * it may be acknowledged (committed, or durably queued). Throwing = not taken:
   * answered 500 so Telegram delivers it again.
   */
  handleUpdate?: (update: unknown, raw: string) => Promise<void>;
  /** Max body bytes (default 1 MiB) → 413 beyond it, stop reading. */
  maxBodyBytes?: number;
  /**
   * Work timeout (default 25 s): past it, answer 503 so Telegram redelivers
   * (the work may still finish; duplicates are handled by update_id dedupe
   * downstream).
   */
  timeoutMs?: number;
  /** Readiness check behind /readyz; absent = 404. */
  ready?: () => Promise<ReadyReport>;
  metrics?: { render(): Promise<string>; contentType: string };
  /** Serves every path under /dasbor (adapters/http/dashboard.ts); absent = 404. */
  dashboard?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /**
   * Called by the server to know the process is shutting down (e.g. a SIGTERM
   * flag set before `close()`): new webhook posts get 503 (Telegram retries),
   * health/ready report not ready. `close()` sets the same state by itself.
   */
  shuttingDown?: () => boolean;
  /** Bound on how long `close()` waits for in-flight webhook handlers (default 10 s). */
  closeTimeoutMs?: number;
}

export interface HttpServer {
  server: http.Server;
  /** Starts listening; resolves with the actual port (useful with port 0). */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Stops accepting connections, waits (bounded) for in-flight webhook
   * handlers, closes the remaining connections. Idempotent.
   */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 25_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
export const SECRET_HEADER = "x-telegram-bot-api-secret-token";

/** How long a connection stays open to discard a body we refused before it is destroyed. */
const LINGER_MS = 1_000;

type Route = HttpRoute | "unknown";

/** A pending response: status, JSON or text body, extra headers. */
interface Reply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(value),
  ...(headers !== undefined ? { headers } : {}),
});

export function createHttpServer(options: HttpOptions): HttpServer {
  const log = options.logger;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  const secretDigest = options.webhookSecret !== undefined ? digest(options.webhookSecret) : undefined;
  const routes = new Set<HttpRoute>(options.routes ?? PUBLIC_ROUTES);

  /** Webhook requests in progress: settle once the handler settled (even past the timeout). */
  const inFlight = new Set<Promise<void>>();
  let closing: Promise<void> | undefined;
  const stopping = () => closing !== undefined || (options.shuttingDown?.() ?? false);

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const known = routeOf(path, options.webhookPath);
    const route = known !== "unknown" && routes.has(known) ? known : "unknown";
    res.on("finish", () => {
      log.debug(
        {
          method: req.method,
          route,
          ...(route === "unknown" ? { path: maskPath(path) } : {}),
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 100) / 100,
        },
        "http request",
      );
    });
    if (route === "dashboard" && options.dashboard !== undefined) {
      void options.dashboard(req, res);
      return;
    }
    if (route === "webhook") {
      const work = webhook(req, res).catch((error: unknown) => {
        log.error({ err: errorSummary(error), route }, "webhook request failed");
        send(req, res, json(500, { error: "internal" }));
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      return;
    }
    void simpleRoute(route, req).then(
      (reply) => send(req, res, reply),
      (error: unknown) => {
        log.error({ err: errorSummary(error), route }, "http route failed");
        send(req, res, json(500, { error: "internal" }));
      },
    );
  });

  async function simpleRoute(route: Route, req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? "GET";
    if (route === "unknown") return json(404, { error: "not_found" });
    if (method !== "GET" && method !== "HEAD")
      return json(405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
    switch (route) {
      case "healthz":
        return stopping() ? json(503, { status: "shutting_down" }) : json(200, { status: "ok" });
      case "readyz": {
        if (options.ready === undefined) return json(404, { error: "not_found" });
        if (stopping()) return json(503, { ok: false, checks: {}, shuttingDown: true });
        let report: ReadyReport;
        try {
          report = await options.ready();
        } catch (error) {
          log.warn({ err: errorSummary(error) }, "readiness check failed");
          report = { ok: false, checks: {} };
        }
        return json(report.ok ? 200 : 503, { ok: report.ok, checks: report.checks });
      }
      case "metrics":
        if (options.metrics === undefined) return json(404, { error: "not_found" });
        return {
          status: 200,
          body: await options.metrics.render(),
          contentType: options.metrics.contentType,
        };
      default:
        return json(404, { error: "not_found" });
    }
  }

  /** POST <webhookPath>: secret, content type, size, shape, then the handler. Never logs the body. */
  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST")
      return refuse(req, res, json(405, { error: "method_not_allowed" }, { allow: "POST" }));
    if (secretDigest !== undefined && !secretMatches(req.headers[SECRET_HEADER], secretDigest)) {
      return refuse(req, res, json(401, { error: "unauthorized" }));
    }
    if (stopping()) return refuse(req, res, json(503, { error: "shutting_down" }));
    if (!isJsonContentType(req.headers["content-type"])) {
      return refuse(req, res, json(415, { error: "unsupported_media_type" }));
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      return refuse(req, res, json(413, { error: "payload_too_large" }));
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === "too_large") return refuse(req, res, json(413, { error: "payload_too_large" }));
    if (body === "aborted") return;

    let update: unknown;
    const raw = body.toString("utf8");
    try {
      update = JSON.parse(raw);
    } catch {
      return send(req, res, json(400, { error: "invalid_json" }));
    }
    if (!isUpdate(update)) return send(req, res, json(400, { error: "invalid_update" }));
    const updateId = update.update_id;
    if (options.handleUpdate === undefined) {
      log.error({ update_id: updateId }, "webhook update received but no handler configured");
      return send(req, res, json(503, { error: "unavailable" }));
    }

    const handled = Promise.resolve()
      .then(() => options.handleUpdate!(update, raw))
      .then(
        () => "done" as const,
        (error: unknown) => {
          // Never the error itself: grammY's BotError carries the update (message text) and the API (token).
          log.error({ err: errorSummary(error), update_id: updateId }, "update handler failed");
          return "failed" as const;
        },
      );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
      timer.unref();
    });
    const outcome = await Promise.race([handled, timedOut]);
    clearTimeout(timer);
    if (outcome === "done") send(req, res, json(200, {}));
    else if (outcome === "failed") send(req, res, json(500, { error: "handler_failed" }));
    else {
      log.warn(
        { update_id: updateId, timeout_ms: timeoutMs },
        "update handler timed out; asking Telegram to retry",
      );
      send(req, res, json(503, { error: "timeout" }));
      // Keeps this request in flight until the work settles, so close() waits for it.
      await handled;
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    res.statusCode = reply.status;
    res.setHeader("content-type", reply.contentType ?? "application/json; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-length", Buffer.byteLength(reply.body));
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (stopping()) res.setHeader("connection", "close");
    res.end(req.method === "HEAD" ? undefined : reply.body);
  }

  /**
   * Answers before (all of) the body was read: the rest is discarded, not
   * buffered, and the connection is closed; one still sending after a short
   * linger is destroyed.
   */
  function refuse(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (req.complete) return send(req, res, reply);
    send(req, res, { ...reply, headers: { ...reply.headers, connection: "close" } });
    req.resume();
    const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
    linger.unref();
    req.socket.once("close", () => clearTimeout(linger));
  }

  async function listen(port: number, host?: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => {
        // Stops accepting; idle keep-alive connections are closed now, busy ones after their response.
        server.close(() => resolve());
      });
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const bound = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), closeTimeoutMs);
        });
        const result = await Promise.race([Promise.allSettled([...inFlight]), bound]);
        clearTimeout(timer);
        if (result === "timeout") {
          log.warn({ in_flight: inFlight.size }, "closing with webhook handlers still running");
        }
      }
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  }

  return { server, listen, close };
}

function routeOf(path: string, webhookPath: string | undefined): Route {
  if (path === "/healthz") return "healthz";
  if (path === "/readyz") return "readyz";
  if (path === "/metrics") return "metrics";
  if (path === "/dasbor" || path.startsWith("/dasbor/")) return "dashboard";
  if (webhookPath !== undefined && path === webhookPath) return "webhook";
  return "unknown";
}

/** Unknown paths may be near-misses of the secret webhook path: random-looking segments are masked. */
function maskPath(path: string): string {
  return path
    .slice(0, 200)
    .split("/")
    .map((segment) => (looksRandom(segment) ? "***" : segment))
    .join("/");
}

/** A segment that may be a secret: long, or medium-sized with a digit in it. */
function looksRandom(segment: string): boolean {
  return segment.length >= 16 || (segment.length >= 8 && /\d/.test(segment));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** Constant-time comparison (of digests, so the length is not revealed either). */
function secretMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== "string") return false;
  return timingSafeEqual(digest(header), expected);
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const type = (header.split(";", 1)[0] ?? "").trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

function isUpdate(value: unknown): value is { update_id: number } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const id = (value as { update_id?: unknown }).update_id;
  return typeof id === "number" && Number.isSafeInteger(id);
}

/** Reads the body up to `max` bytes; stops reading (without consuming the rest) past it. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too_large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | "too_large" | "aborted") => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.pause();
        done("too_large");
      } else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onClose = () => done("aborted");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", onClose);
  });
}
