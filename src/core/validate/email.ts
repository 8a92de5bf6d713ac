/**
 * Email address check for what a user types as their SIASN email, with a
 * "did you mean" suggestion for typos of the common providers. Pure.
 */
import { nearest } from "../text/text.ts";

export type EmailResult =
  | {
      ok: true;
      /** Trimmed and lower-cased. */
      value: string;
      /** "nama@gmail.com" when the domain looks like a typo of a common provider. */
      suggestion?: string;
    }
  | {
      ok: false;
      code: "empty" | "no-at" | "many-at" | "space" | "local" | "domain" | "too-long";
      message: string;
    };

const MAX_LENGTH = 254;
const MAX_LOCAL = 64;

const COMMON_DOMAINS = [
  "gmail.com",
  "yahoo.com",
  "yahoo.co.id",
  "outlook.com",
  "hotmail.com",
  "ymail.com",
  "icloud.com",
];

// Real providers one or two edits away from a common one: never "correct" them.
const KNOWN_OTHER_DOMAINS = new Set([
  "mail.com",
  "email.com",
  "gmx.com",
  "aol.com",
  "live.com",
  "me.com",
  "mac.com",
  "yahoo.co.uk",
  "yahoo.co.jp",
  "hotmail.co.uk",
  "outlook.co.id",
]);

// RFC 5322 "atext" plus dots; non-ASCII local parts are not accepted by SIASN forms we know of.
const LOCAL_CHAR = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function suggestDomain(domain: string): string | undefined {
  if (COMMON_DOMAINS.includes(domain) || KNOWN_OTHER_DOMAINS.has(domain)) return undefined;
  // One edit for short domains, two from 8 characters on ("gmal.con" → "gmail.com").
  const allowed = domain.length >= 8 ? 2 : 1;
  const found = nearest(domain, COMMON_DOMAINS);
  return found !== undefined && found.distance <= allowed ? found.value : undefined;
}

function fail(code: Extract<EmailResult, { ok: false }>["code"], message: string): EmailResult {
  return { ok: false, code, message };
}

/** Parses one email address typed by a user; expected problems come back as values with an Indonesian reason. */
export function parseEmail(input: string): EmailResult {
  // NFKC turns a fullwidth "＠" or "．" from some keyboards into ASCII; a sentence's final dot is dropped.
  const value = input
    .normalize("NFKC")
    .trim()
    .replace(/(?<=\.[a-z]+)\.$/i, "")
    .toLowerCase();
  if (value.length === 0) return fail("empty", "Alamat email belum diisi.");
  if (value.length > MAX_LENGTH) {
    return fail("too-long", `Alamat email terlalu panjang (maksimal ${MAX_LENGTH} karakter).`);
  }
  if (/[\s\p{Zs}]/u.test(value)) return fail("space", "Email tidak boleh berisi spasi.");

  const parts = value.split("@");
  if (parts.length === 1) return fail("no-at", "Alamat email harus memuat satu tanda @.");
  if (parts.length > 2) return fail("many-at", "Alamat email hanya boleh memuat satu tanda @.");
  const [local = "", domain = ""] = parts;

  if (local.length === 0) return fail("local", "Bagian sebelum @ masih kosong, mis. nama@gmail.com.");
  if (local.length > MAX_LOCAL) {
    return fail("local", `Bagian sebelum @ terlalu panjang (maksimal ${MAX_LOCAL} karakter).`);
  }
  const badChars = [...new Set([...local].filter((ch) => !LOCAL_CHAR.test(ch)))];
  if (badChars.length > 0) {
    return fail(
      "local",
      `Bagian sebelum @ berisi karakter yang tidak boleh: ${badChars.map((c) => `"${c}"`).join(", ")}.`,
    );
  }
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return fail(
      "local",
      "Bagian sebelum @ tidak boleh diawali/diakhiri titik atau berisi dua titik berurutan.",
    );
  }

  const labels = domain.split(".");
  const tld = labels[labels.length - 1] ?? "";
  if (
    labels.length < 2 ||
    domain.length > 253 ||
    !labels.every((label) => DOMAIN_LABEL.test(label)) ||
    !/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)
  ) {
    return fail("domain", "Bagian setelah @ harus nama domain, mis. gmail.com.");
  }

  const suggested = suggestDomain(domain);
  return suggested === undefined
    ? { ok: true, value }
    : { ok: true, value, suggestion: `${local}@${suggested}` };
}
