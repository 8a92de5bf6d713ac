import { createHash, createHmac } from "node:crypto";
import type { Mac } from "../core/callback-data.ts";

/** Key for signing buttons, derived from the bot token (no extra secret to configure). */
export function deskSecret(token: string): string {
  return createHash("sha256").update(`pandu-desk:${token}`).digest("base64url");
}

/** HMAC-SHA256 under `secret`, base64url: what callback-data.ts signs buttons with. */
export function createMac(secret: string): Mac {
  return (text) => createHmac("sha256", secret).update(text).digest("base64url");
}

/** For `npm run chat` and tests only: the runtime always signs with a key derived from the bot token. */
export const DEV_SECRET = "pandu-dev-only";
