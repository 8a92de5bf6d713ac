/**
 * Start links that open Pandu with an instansi already chosen:
 * https://t.me/<bot>?start=i-32_01 (Telegram allows 64 characters of A-Za-z0-9_-
 * in a start payload; instansi ids use ".", written "_"). Pure.
 */
const PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;

export function instansiPayload(instansi: string): string {
  return `i-${instansi.replace(/\./g, "_")}`;
}

/** The instansi id a start payload names, or undefined (an unknown or malformed payload starts normally). */
export function instansiOfPayload(payload: string | undefined): string | undefined {
  if (payload === undefined || !PAYLOAD.test(payload) || !payload.startsWith("i-")) return undefined;
  const id = payload.slice(2).replace(/_/g, ".");
  return /^[a-z0-9.-]{1,32}$/.test(id) ? id : undefined;
}

export function startLink(botUsername: string, instansi: string): string {
  return `https://t.me/${botUsername}?start=${instansiPayload(instansi)}`;
}
