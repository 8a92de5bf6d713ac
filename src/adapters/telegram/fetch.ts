/**
 * The HTTP client grammY uses for Bot API calls (`client.fetch`), lean: one
 * node:http(s) request on grammY's keep-alive agent, the JSON answer read
 * whole. node-fetch (grammY's default) builds Request, Headers, Body and
 * stream objects per call; in the crowd benchmark that was about half of the
 * CPU of a sendMessage. A file upload's multipart stream is piped as it comes.
 */
import type { Agent } from "node:http";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";

/** What grammY passes: method, headers, a body, its abort signal and keep-alive agent. */
interface Init {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: {
    aborted: boolean;
    addEventListener(type: "abort", listener: () => void): void;
    removeEventListener(type: "abort", listener: () => void): void;
  } | null;
  agent?: unknown;
}

/** The part of a Response grammY reads. */
interface Answer {
  status: number;
  json(): Promise<unknown>;
}

export class AbortError extends Error {
  override readonly name = "AbortError";
}

/** A fetch for grammY's `client.fetch` option. */
export function leanFetch(url: string, init: Init = {}): Promise<Answer> {
  const body = init.body;
  const stream = typeof body === "string" ? undefined : (body as Readable | undefined);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(new AbortError("The operation was aborted."));
  return new Promise<Answer>((resolve, reject) => {
    const request = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: init.method ?? "POST",
        headers:
          typeof body === "string"
            ? { ...init.headers, "content-length": String(Buffer.byteLength(body)) }
            : { ...init.headers },
        ...(init.agent !== undefined ? { agent: init.agent as Agent } : {}),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("end", () => {
          signal?.removeEventListener("abort", abort);
          const text =
            chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            json: () =>
              new Promise((ok, no) => {
                try {
                  ok(JSON.parse(text));
                } catch (err) {
                  no(err);
                }
              }),
          });
        });
      },
    );
    function fail(err: Error) {
      signal?.removeEventListener("abort", abort);
      reject(err);
    }
    function abort() {
      req.destroy(new AbortError("The operation was aborted."));
    }
    signal?.addEventListener("abort", abort);
    req.on("error", fail);
    if (typeof body === "string") req.end(body);
    else if (stream !== undefined && typeof stream.pipe === "function") stream.pipe(req);
    else req.end();
  });
}
