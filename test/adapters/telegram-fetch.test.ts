/**
 * The lean HTTP client under grammY's Api, against a loopback server: JSON in
 * and out, Telegram's errors, abort, a refused connection, a file upload.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leanFetch } from "../../src/adapters/telegram/fetch.ts";

let server: Server;
let root = "";
const seen: { path: string; type: string; body: string }[] = [];
let answer: (req: IncomingMessage, body: string) => { status: number; body: string } | "hang" = () => ({
  status: 200,
  body: "{}",
});

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ path: req.url ?? "", type: String(req.headers["content-type"]), body });
      const a = answer(req, body);
      if (a === "hang") return;
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  root = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const api = (apiRoot = root) =>
  new Api("123:TOKEN", { apiRoot, fetch: leanFetch as never, timeoutSeconds: 5 });

describe("leanFetch as grammY's client.fetch", () => {
  it("posts the JSON payload to the method's URL and returns the parsed result", async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({
        ok: true,
        result: { message_id: 7, date: 1, chat: { id: 5, type: "private" } },
      }),
    });
    const sent = await api().sendMessage(5, "Halo 👋", {
      reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "b" }]] },
    });
    expect(sent.message_id).toBe(7);
    const last = seen.at(-1)!;
    expect(last.path).toBe("/bot123:TOKEN/sendMessage");
    expect(last.type).toBe("application/json");
    expect(JSON.parse(last.body)).toMatchObject({ chat_id: 5, text: "Halo 👋" });
  });

  it("passes Telegram's errors on as grammY errors (400 with a description, 429 with retry_after)", async () => {
    answer = () => ({
      status: 400,
      body: JSON.stringify({ ok: false, error_code: 400, description: "Bad Request: chat not found" }),
    });
    await expect(api().sendMessage(5, "x")).rejects.toThrow(GrammyError);
    answer = () => ({
      status: 429,
      body: JSON.stringify({
        ok: false,
        error_code: 429,
        description: "Too Many Requests",
        parameters: { retry_after: 3 },
      }),
    });
    const error = await api()
      .sendMessage(5, "x")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).parameters.retry_after).toBe(3);
  });

  it("stops a call when its signal aborts", async () => {
    answer = () => "hang";
    const controller = new AbortController();
    const call = api().sendMessage(5, "x", {}, controller.signal as never);
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toThrow(HttpError);
  });

  it("reports a refused connection as a network error", async () => {
    await expect(api("http://127.0.0.1:1").sendMessage(5, "x")).rejects.toThrow(HttpError);
  });

  it("streams a file upload as multipart form data", async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({
        ok: true,
        result: { message_id: 8, date: 1, chat: { id: 5, type: "private" } },
      }),
    });
    await api().sendPhoto(5, new InputFile(Buffer.from("PNGDATA"), "layar.png"), { caption: "Layar" });
    const last = seen.at(-1)!;
    expect(last.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(last.body).toContain("PNGDATA");
    expect(last.body).toContain("Layar");
  });
});
