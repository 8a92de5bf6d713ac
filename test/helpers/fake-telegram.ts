import { createServer, type IncomingMessage, type Server } from "node:http";

export interface SentMessage {
  chat_id: number;
  message_id?: number;
  text: string;
  reply_markup?: { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };
}

/**
 * A minimal Telegram Bot API on loopback, for running Pandu as users start it
 * (TELEGRAM_API_ROOT). Keeps an update queue with Telegram's offset semantics
 * and records what the bot sends. Only the methods Pandu calls are served.
 */
export class FakeTelegram {
  readonly sent: SentMessage[] = [];
  readonly calls: { method: string; body: Record<string, unknown> }[] = [];
  private readonly queue: Record<string, unknown>[] = [];
  private confirmed = 0;
  private nextUpdateId = 500;
  private nextMessageId = 1;
  private waiters: (() => void)[] = [];
  /** Chats whose sendMessage calls wait (see hold) and the calls waiting. */
  private readonly held = new Map<number, (() => void)[]>();
  private server?: Server;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let closed = false;
      res.once("close", () => {
        closed = true;
      });
      void this.handle(req, () => closed).then(
        (result) => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: true, result }));
        },
        (err: Error) => {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: false, error_code: 400, description: err.message }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    for (const chat of [...this.held.keys()]) this.release(chat);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /**
   * Makes sendMessage to `chatId` wait (the bot's turn hangs there) until
   * `release(chatId)`; a call whose connection dies meanwhile is not recorded as sent.
   */
  hold(chatId: number): void {
    if (!this.held.has(chatId)) this.held.set(chatId, []);
  }

  release(chatId: number): void {
    for (const go of this.held.get(chatId) ?? []) go();
    this.held.delete(chatId);
  }

  /** sendMessage calls waiting on `hold`. */
  waiting(chatId: number): number {
    return this.held.get(chatId)?.length ?? 0;
  }

  /** A user's update in a private chat as Telegram would send it (not queued: for posting to a webhook). */
  textUpdate(chatId: number, text: string): Record<string, unknown> {
    const id = this.nextUpdateId++;
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    return {
      update_id: id,
      message: {
        message_id: 10_000 + id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "private", first_name: "Uji" },
        from: { id: chatId, is_bot: false, first_name: "Uji" },
        text,
        ...(entities ? { entities } : {}),
      },
    };
  }

  /** Queues a user's text message in a private chat. */
  text(chatId: number, text: string): number {
    const id = this.nextUpdateId++;
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    this.push({
      update_id: id,
      message: {
        message_id: 10_000 + id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "private", first_name: "Uji" },
        from: { id: chatId, is_bot: false, first_name: "Uji" },
        text,
        ...(entities ? { entities } : {}),
      },
    });
    return id;
  }

  /** Queues a press of the button with this label in the latest message to the chat that had it. */
  tap(chatId: number, label: string, fromId = chatId): void {
    const last = [...this.sent]
      .reverse()
      .find(
        (m) => m.chat_id === chatId && m.reply_markup?.inline_keyboard.flat().some((b) => b.text === label),
      );
    const button = last?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
    if (button?.callback_data === undefined)
      throw new Error(
        `no button '${label}' in chat ${chatId}; last messages: ${this.sent
          .filter((m) => m.chat_id === chatId)
          .slice(-4)
          .map((m) => m.text.slice(0, 80))
          .join(" | ")}`,
      );
    const id = this.nextUpdateId++;
    const chat =
      chatId < 0
        ? { id: chatId, type: "supergroup", title: "HR" }
        : { id: chatId, type: "private", first_name: "Uji" };
    this.push({
      update_id: id,
      callback_query: {
        id: `cb${id}`,
        from: { id: fromId, is_bot: false, first_name: "Uji" },
        chat_instance: "ci",
        data: button.callback_data,
        message: { message_id: last?.message_id ?? 1, date: 1, chat, text: "x" },
      },
    });
  }

  /** Queues a message in a group, optionally replying to one of the bot's messages. */
  groupText(chatId: number, fromId: number, text: string, replyTo?: number): void {
    const id = this.nextUpdateId++;
    const chat = { id: chatId, type: "supergroup", title: "HR" };
    const entities = text.startsWith("/")
      ? [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }]
      : undefined;
    this.push({
      update_id: id,
      message: {
        message_id: 20_000 + id,
        date: 1,
        chat,
        from: { id: fromId, is_bot: false, first_name: "Sari" },
        text,
        ...(entities ? { entities } : {}),
        ...(replyTo !== undefined
          ? { reply_to_message: { message_id: replyTo, date: 1, chat, text: "x" } }
          : {}),
      },
    });
  }

  /** Resolves once `count` messages have been sent to the chat (or rejects after timeoutMs). */
  async waitForMessages(chatId: number, count: number, timeoutMs = 15_000): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.sent.filter((m) => m.chat_id === chatId);
      if (mine.length >= count) return mine;
      if (Date.now() > deadline)
        throw new Error(
          `only ${mine.length} of ${count} messages to ${chatId}: ${mine.map((m) => m.text.slice(0, 40)).join(" | ")}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private push(update: Record<string, unknown>): void {
    this.queue.push(update);
    for (const wake of this.waiters.splice(0)) wake();
  }

  private async handle(req: IncomingMessage, gone: () => boolean): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = (raw.length > 0 ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const method = (req.url ?? "").split("/").pop() ?? "";
    this.calls.push({ method, body });
    switch (method) {
      case "getMe":
        return {
          id: 4242,
          is_bot: true,
          first_name: "Pandu",
          username: "PanduE2EBot",
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: true,
        };
      case "getUpdates":
        return this.getUpdates(body);
      case "sendMessage":
      case "sendPhoto": {
        const gates = this.held.get(Number(body.chat_id));
        if (gates !== undefined) await new Promise<void>((resolve) => gates.push(resolve));
        if (gone()) throw new Error("client went away");
        const message_id = this.nextMessageId++;
        this.sent.push({
          ...(body as unknown as SentMessage),
          message_id,
          text: String(body.text ?? body.caption ?? ""),
        });
        return {
          message_id,
          date: 1,
          chat: { id: body.chat_id, type: Number(body.chat_id) < 0 ? "supergroup" : "private" },
          text: body.text,
        };
      }
      case "getChatMember":
        return { status: "administrator", user: { id: body.user_id, is_bot: false, first_name: "X" } };
      case "setMyCommands":
      case "deleteWebhook":
      case "setWebhook":
      case "deleteMessage":
      case "answerCallbackQuery":
      case "editMessageReplyMarkup":
      case "editMessageText":
        return true;
      default:
        throw new Error(`method ${method} not served by the fake`);
    }
  }

  private async getUpdates(body: Record<string, unknown>): Promise<unknown[]> {
    const offset = typeof body.offset === "number" ? body.offset : 0;
    if (offset > this.confirmed) this.confirmed = offset;
    const pending = () => this.queue.filter((u) => (u.update_id as number) >= this.confirmed);
    if (pending().length === 0) {
      // Long poll, shortened for tests.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 300);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return pending().slice(0, typeof body.limit === "number" ? body.limit : 100);
  }
}
