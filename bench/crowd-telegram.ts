/**
 * A loopback Bot API fast enough to play Telegram for `npm run bench -- --crowd`:
 * serves getUpdates (offset semantics, long polling) or delivers to the bot's
 * webhook as Telegram's Bot API server does (tdlib/telegram-bot-api
 * WebhookActor: a queue per chat, one update of a chat in flight at a time, the
 * next only once the previous was answered 2xx; at most max_connections
 * requests at once; a refused update retried), answers the calls Pandu makes, optionally refuses a share of
 * chat-addressed calls with 429 retry_after=1, and records, per chat, when each
 * update was made available and what the bot sent back and when.
 */
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";

/** Calls addressed to a chat: the ones Telegram rate-limits, and the ones a 429 is injected into. */
const CHAT_METHODS = new Set([
  "sendMessage",
  "sendPhoto",
  "answerCallbackQuery",
  "deleteMessage",
  "editMessageText",
  "editMessageReplyMarkup",
]);

export interface Reply {
  /** performance.now() when the (successful) call arrived. */
  at: number;
  text: string;
}

export interface CrowdTelegramOptions {
  botId: number;
  username: string;
  /** Deterministic pseudo-random source for the 429s (mulberry32 seed). */
  seed?: number;
}

export class CrowdTelegram {
  url = "";
  mode: "unknown" | "polling" | "webhook" = "unknown";
  /** Share of chat-addressed calls answered 429 retry_after=1 (0 = none). */
  refuseShare = 0;
  /** Counters of what was served. */
  readonly served = { calls: 0, refused429: 0, webhookPosts: 0, webhookRetries: 0, getUpdates: 0 };
  /** First time an update of each chat was made available to the bot. */
  readonly firstUpdateAt = new Map<number, number>();
  /** What the bot sent to each chat, successful calls only, in order of arrival. */
  readonly replies = new Map<number, Reply[]>();

  private server?: Server;
  private nextUpdateId = 1;
  private nextMessageId = 1;
  /** Polling: updates not yet confirmed, from `head` on. */
  private pending: { id: number; json: string }[] = [];
  private head = 0;
  private pollers: (() => void)[] = [];
  /** Webhook: updates waiting per chat, chats with one ready to go (oldest first), chats in flight. */
  private readonly chatQueues = new Map<number, string[]>();
  private readyChats: number[] = [];
  private readyHead = 0;
  private readonly inFlight = new Set<number>();
  private queued = 0;
  private webhook?: { url: URL; secret?: string; connections: number };
  private workers = 0;
  private wake: (() => void)[] = [];
  private agent?: Agent;
  private closed = false;
  private random: () => number;

  constructor(private readonly options: CrowdTelegramOptions) {
    this.random = mulberry32(options.seed ?? 14);
  }

  async start(): Promise<void> {
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      void this.handle(req, res);
    });
    this.server.maxRequestsPerSocket = 0;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    this.closed = true;
    for (const wake of this.pollers.splice(0)) wake();
    for (const wake of this.wake.splice(0)) wake();
    this.agent?.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Makes an update available to the bot (polling queue or webhook delivery); returns its id. */
  push(chatId: number, body: Record<string, unknown>): number {
    const id = this.nextUpdateId++;
    const json = JSON.stringify({ update_id: id, ...body });
    if (!this.firstUpdateAt.has(chatId)) this.firstUpdateAt.set(chatId, performance.now());
    if (this.webhook !== undefined) {
      let queue = this.chatQueues.get(chatId);
      if (queue === undefined) {
        queue = [];
        this.chatQueues.set(chatId, queue);
      }
      queue.push(json);
      this.queued++;
      if (queue.length === 1 && !this.inFlight.has(chatId)) this.ready(chatId);
    } else {
      this.pending.push({ id, json });
      for (const wake of this.pollers.splice(0)) wake();
    }
    return id;
  }

  /** A private user's text message (a command gets its bot_command entity). */
  text(chatId: number, text: string): number {
    return this.push(chatId, message({ id: chatId, type: "private", first_name: "Uji" }, chatId, text));
  }

  /** A member's text message in a group. */
  groupText(groupId: number, fromId: number, text: string): number {
    return this.push(groupId, message({ id: groupId, type: "supergroup", title: "Grup" }, fromId, text));
  }

  /** Updates made available and not yet taken (polling) or delivered (webhook). */
  get backlog(): number {
    return this.webhook !== undefined ? this.queued : this.pending.length - this.head;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = (raw.length > 0 ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const method = (req.url ?? "").slice((req.url ?? "").lastIndexOf("/") + 1);
    this.served.calls++;
    if (CHAT_METHODS.has(method) && this.refuseShare > 0 && this.random() < this.refuseShare) {
      this.served.refused429++;
      return send(res, 429, {
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 1",
        parameters: { retry_after: 1 },
      });
    }
    switch (method) {
      case "getMe":
        return ok(res, {
          id: this.options.botId,
          is_bot: true,
          first_name: "Pandu",
          username: this.options.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: true,
        });
      case "getUpdates":
        return this.getUpdates(body, res);
      case "setWebhook": {
        this.mode = "webhook";
        this.webhook = {
          url: new URL(String(body.url)),
          connections: Number(body.max_connections ?? 40),
          ...(typeof body.secret_token === "string" ? { secret: body.secret_token } : {}),
        };
        this.agent = new Agent({ keepAlive: true, maxSockets: this.webhook.connections });
        while (this.workers < this.webhook.connections) {
          this.workers++;
          void this.deliver();
        }
        return ok(res, true);
      }
      case "sendMessage":
      case "sendPhoto": {
        const chatId = Number(body.chat_id);
        const text = String(body.text ?? body.caption ?? "");
        let list = this.replies.get(chatId);
        if (list === undefined) {
          list = [];
          this.replies.set(chatId, list);
        }
        list.push({ at: performance.now(), text });
        return ok(res, {
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: chatId < 0 ? "supergroup" : "private" },
          text,
        });
      }
      case "getChatMember":
        return ok(res, { status: "member", user: { id: body.user_id, is_bot: false, first_name: "X" } });
      case "deleteWebhook":
        this.mode = "polling";
        return ok(res, true);
      case "setMyCommands":
      case "deleteMessage":
      case "answerCallbackQuery":
      case "answerInlineQuery":
      case "editMessageText":
      case "editMessageReplyMarkup":
        return ok(res, true);
      default:
        return send(res, 400, { ok: false, error_code: 400, description: `method ${method} not served` });
    }
  }

  private async getUpdates(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    this.served.getUpdates++;
    const offset = typeof body.offset === "number" ? body.offset : 0;
    while (this.head < this.pending.length && this.pending[this.head]!.id < offset) this.head++;
    if (this.head > 10_000) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    if (this.head >= this.pending.length && !this.closed) {
      const timeout = Math.min(Number(body.timeout ?? 0), 30) * 1000;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeout);
        this.pollers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const limit = typeof body.limit === "number" ? body.limit : 100;
    const batch = this.pending.slice(this.head, this.head + limit).map((u) => u.json);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`{"ok":true,"result":[${batch.join(",")}]}`);
  }

  private ready(chatId: number): void {
    this.readyChats.push(chatId);
    this.wake.shift()?.();
  }

  /**
   * One of max_connections: posts the oldest ready chat's next update, retrying
   * it (after 0.5 s) until answered 2xx; only then is that chat's next one ready.
   */
  private async deliver(): Promise<void> {
    while (!this.closed) {
      if (this.readyHead >= this.readyChats.length) {
        await new Promise<void>((resolve) => this.wake.push(resolve));
        continue;
      }
      const chatId = this.readyChats[this.readyHead++]!;
      if (this.readyHead > 10_000 && this.readyHead === this.readyChats.length) {
        this.readyChats = [];
        this.readyHead = 0;
      }
      const queue = this.chatQueues.get(chatId)!;
      const json = queue.shift()!;
      this.inFlight.add(chatId);
      for (;;) {
        this.served.webhookPosts++;
        const status = await this.post(json).catch(() => 0);
        if ((status >= 200 && status < 300) || this.closed) break;
        this.served.webhookRetries++;
        await new Promise((r) => setTimeout(r, 500));
      }
      this.inFlight.delete(chatId);
      this.queued--;
      if (queue.length > 0) this.ready(chatId);
      else this.chatQueues.delete(chatId);
    }
  }

  private post(json: string): Promise<number> {
    const hook = this.webhook!;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: hook.url.hostname,
          port: hook.url.port,
          path: hook.url.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(json),
            ...(hook.secret !== undefined ? { "x-telegram-bot-api-secret-token": hook.secret } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(json);
    });
  }
}

function message(chat: Record<string, unknown>, fromId: number, text: string): Record<string, unknown> {
  return {
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: fromId, is_bot: false, first_name: "Uji" },
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] }
        : {}),
    },
  };
}

function ok(res: ServerResponse, result: unknown): void {
  send(res, 200, { ok: true, result });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** A small seeded PRNG (mulberry32): the same 429s on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
