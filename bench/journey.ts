/**
 * The activation journey as a user walks it (shared by all three frameworks),
 * and the screens the peers show: the same texts (from flows/*.yaml and the
 * engine's messages), the same inline keyboards, and Pandu's own pure
 * validators, so the three bots do the same work per update.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { InlineKeyboardButton } from "grammy/types";
import { parse } from "yaml";
import { MSG } from "../src/core/flow/messages.ts";
import { describeNip, formatNip, type NipResult, parseNip } from "../src/core/validate/nip.ts";
import {
  checkPassword,
  describePolicy,
  formatPasswordCheck,
  PasswordPolicy,
} from "../src/core/validate/password.ts";
import type { Step } from "./util.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FLOWS_DIR = `${ROOT}flows`;

// ---------------------------------------------------------------- what the user does

const WEAK = "Rahasia2025";
const STRONG = "Rahasia#2025x";

/** The steps that lead to "Langkah 3 dari 7" (d-nip). */
const TO_D_NIP: Step[] = [
  { text: "/start" },
  { tap: "🔑 Aktivasi / lupa password" },
  { text: "19860926.201505.1.001" },
  { tap: "✅ Ya, benar" },
  { tap: "🌐 ASN Digital (sekarang)" },
  { tap: "Sudah, lanjut" },
  { tap: "Sudah, lanjut" },
];

/**
 * Activation on ASN Digital, 15 updates: /start, Aktivasi, a 17-digit NIP
 * (invalid), a valid NIP, "Ya, benar", "ASN Digital", five step buttons, a weak
 * then a strong password candidate, "Berhasil", "MFA aktif".
 */
export const ACTIVATION: readonly Step[] = [
  { text: "/start" },
  { tap: "🔑 Aktivasi / lupa password" },
  { text: "19860926 201505 1 00" },
  { text: "19860926.201505.1.001" },
  { tap: "✅ Ya, benar" },
  { tap: "🌐 ASN Digital (sekarang)" },
  { tap: "Sudah, lanjut" },
  { tap: "Sudah, lanjut" },
  { tap: "Email saya muncul" },
  { tap: "✅ Ya, saya klik Kirim" },
  { tap: "Kode sudah masuk" },
  { text: WEAK },
  { text: STRONG },
  { tap: "✅ Berhasil" },
  { tap: "✅ MFA aktif, saya sudah masuk" },
];

/** The last message of a completed activation. */
export const ACTIVATION_END = "Selamat, akun Anda sudah aktif";

/** The first three updates of the journey: a session that holds a NIP and waits for "Ya, benar". */
export const LIVE_SESSION: readonly Step[] = [
  { text: "/start" },
  { tap: "🔑 Aktivasi / lupa password" },
  { text: "19860926.201505.1.001" },
];
export const LIVE_SESSION_END = "Benar ini NIP Anda?";

/**
 * A journey of `n` updates: to d-nip (7), then the captcha retry loop
 * ("Muncul pesan gagal" → d-nip-gagal, "Coba lagi" → d-nip) until n.
 */
export function longJourney(n: number): Step[] {
  const steps = TO_D_NIP.slice(0, n);
  while (steps.length < n) steps.push({ tap: steps.length % 2 === 1 ? "Muncul pesan gagal" : "Coba lagi" });
  return steps;
}

/** Text the last message of longJourney(n) contains. */
export function longJourneyEnd(n: number): string {
  return n > TO_D_NIP.length && n % 2 === 0 ? "Periksa lagi" : "Langkah 3 dari 7";
}

// ---------------------------------------------------------------- what the peers say

interface YamlButton {
  label: string;
  to?: unknown;
  url?: string;
}
interface YamlState {
  say: string;
  buttons?: YamlButton[];
}

export type InlineButton = InlineKeyboardButton;

export interface SendOptions {
  link_preview_options: { is_disabled: true };
  reply_markup?: { inline_keyboard: InlineButton[][] };
}

export interface Screen {
  /** Callback data of button i (peers' own scheme: "a|state|i"). */
  data: string[];
  /** Message options with the keyboard (Pandu's layout: one button per row, then ⬅️ Kembali · 🏠 Menu). */
  options: SendOptions;
  /** The state's text for these vars (placeholders as Pandu fills them). */
  text(vars: Vars): string;
}

export interface Vars {
  nip?: string;
  nipResult?: Extract<NipResult, { valid: true }>;
}

const PLAIN: SendOptions = { link_preview_options: { is_disabled: true } };

function readYaml(path: string): unknown {
  return parse(readFileSync(path, "utf8"));
}

const policies = (
  readYaml(`${FLOWS_DIR}/data/password-policies.yaml`) as { policies: unknown[] }
).policies.map((p) => PasswordPolicy.parse(p));
export const ASN_DIGITAL = policies.find((p) => p.id === "asn-digital")!;
const MYSAPK = policies.find((p) => p.id === "mysapk")!;

function screen(flow: string, id: string, state: YamlState, nav: boolean): Screen {
  const buttons = state.buttons ?? [];
  const data = buttons.map((_, i) => `${flow[0]}|${id}|${i}`);
  const rows: InlineButton[][] = buttons.map((b, i) => [
    b.url !== undefined ? { text: b.label, url: b.url } : { text: b.label, callback_data: data[i]! },
  ]);
  if (nav)
    rows.push([
      { text: MSG.back, callback_data: "g|back" },
      { text: MSG.menu, callback_data: "g|menu" },
    ]);
  const say = state.say.trim();
  const fill = /\{[a-z_]+(?::[a-z0-9-]+)?\}/.test(say);
  return {
    data,
    options: { ...PLAIN, reply_markup: { inline_keyboard: rows } },
    text: fill
      ? (vars) =>
          say.replace(/\{([a-z_]+)(?::([a-z0-9-]+))?\}/g, (whole, name: string, arg?: string) => {
            switch (name) {
              case "nip":
                return vars.nip !== undefined ? formatNip(vars.nip) : "-";
              case "nip_arti":
                return vars.nipResult !== undefined
                  ? [
                      describeNip(vars.nipResult),
                      ...vars.nipResult.warnings.map((w) => `⚠️ ${w.message}`),
                    ].join("\n")
                  : "-";
              case "var":
                return arg === "nip" ? (vars.nip ?? "-") : "-";
              case "kebijakan":
                return arg === "asn-digital" ? describePolicy(ASN_DIGITAL) : describePolicy(MYSAPK);
              default:
                return whole;
            }
          })
      : () => say,
  };
}

function load(flow: string, nav: boolean): Record<string, Screen> {
  const states = (readYaml(`${FLOWS_DIR}/${flow}.yaml`) as { states: Record<string, YamlState> }).states;
  return Object.fromEntries(Object.entries(states).map(([id, s]) => [id, screen(flow, id, s, nav)]));
}

/** Screens of the activation flow, by state id, and the main menu. */
export const SCREENS = load("aktivasi", true);
export const MENU = load("menu", false).mulai!;

export function S(id: string): Screen {
  const s = SCREENS[id];
  if (s === undefined) throw new Error(`no state ${id} in flows/aktivasi.yaml`);
  return s;
}

/** Today in WIB, as Pandu's engine computes it for NIP checks. */
export function today(): { year: number; month: number; day: number } {
  const d = new Date(Date.now() + 7 * 3_600_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The reply to a typed NIP: the error list (invalid) or the parsed NIP. */
export function checkNip(text: string): { ok: true; vars: Vars } | { ok: false; text: string } {
  const result = parseNip(text.trim(), today());
  if (result.valid) return { ok: true, vars: { nip: result.nip, nipResult: result } };
  return {
    ok: false,
    text: [MSG.nipInvalid, ...result.errors.map((e) => `• ${e.message}`), MSG.nipExample].join("\n"),
  };
}

/** The reply to a password candidate (it is deleted before this is sent). */
export function checkCandidate(text: string): { ok: boolean; text: string } {
  const check = checkPassword(text.trim(), ASN_DIGITAL);
  const report = `${MSG.passwordDeleted}\n\n${formatPasswordCheck(check, ASN_DIGITAL)}`;
  return check.ok ? { ok: true, text: `${report}\n\n${MSG.passwordOk}` } : { ok: false, text: report };
}

export { PLAIN };
