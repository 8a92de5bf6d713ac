/**
 * The one grammar of button data ("callback data"), for every button Pandu
 * shows: journeys, FAQ, the user's case buttons, the HR desk. Building,
 * parsing and, where a button must not be forged, signing. Fields are joined
 * with "|" (flow, state and case ids never contain it) and the whole string
 * stays within Telegram's 64 bytes (flows check verifies the longest).
 *
 * Signatures are HMACs bound to what the data does and to where it may be
 * pressed (`bind`: the group a desk card lives in). The HMAC itself comes in
 * as a function, so this module stays pure.
 */
import { Intent } from "./flow/schema.ts";
import { CONTACT_FIELDS, type ContactField } from "./validate/contact.ts";

export type StaffAction = "claim" | "resolve" | "return";

export type ButtonData =
  /** A flow button: the state it belongs to, its index and the state's definition hash. */
  | { kind: "step"; flow: string; state: string; index: number; hash: string }
  /** An instansi picked from search results in an instansi step. */
  | { kind: "instansi"; flow: string; state: string; id: string }
  | { kind: "intent"; intent: Intent }
  /** Show an FAQ answer. */
  | { kind: "faq"; id: string }
  /** 👍 / 👎 under an FAQ answer. */
  | { kind: "vote"; id: string; helpful: boolean }
  /** Start a flow at a state ("▶️ Mulai panduannya"); signed: no jumping to any step. */
  | { kind: "jump"; flow: string; state: string }
  /** The user's buttons under desk messages. */
  | { kind: "rate"; caseId: string; stars: number }
  | { kind: "reopen"; caseId: string }
  | { kind: "resume"; caseId: string }
  /** Staff buttons on a case card; signed and bound to the card's group. */
  | { kind: "staff"; action: StaffAction; caseId: string }
  /** A choice under /hubungkan; signed and bound to the group. */
  | { kind: "link"; instansi: string }
  /** Setujui / Tolak under a claim sent to an approver; signed (who may press is checked on the press). */
  | { kind: "claim"; decision: "approve" | "reject"; claimId: string }
  /** The contact card of an instansi in its group: show it, edit one field, confirm it; signed and bound to the group. */
  | { kind: "contact"; action: "show" | "confirm"; instansi: string }
  | { kind: "contact"; action: "edit"; instansi: string; field: ContactField };

/** HMAC of a text, base64url (only its first characters are used). */
export type Mac = (text: string) => string;

export interface ButtonCodec {
  /** `bind` is where the button may be pressed (a group address) for desk buttons. */
  encode(data: ButtonData, bind?: string): string;
  /** Undefined for anything not built by `encode` with the same key and binding. */
  parse(data: string, bind?: string): ButtonData | undefined;
}

export const CALLBACK_DATA_MAX = 64;
const SIG_LENGTH = 10;
const STAFF_CODE: Record<StaffAction, string> = { claim: "a", resolve: "s", return: "k" };
const STAFF = Object.fromEntries(
  Object.entries(STAFF_CODE).map(([action, code]) => [code, action as StaffAction]),
) as Record<string, StaffAction>;
/** One letter per contact field, in CONTACT_FIELDS order. */
const FIELD_CODES = "oapweshn";
const fieldCode = (field: ContactField) => FIELD_CODES[CONTACT_FIELDS.indexOf(field)] ?? "";
const fieldOf = (code: string): ContactField | undefined =>
  code.length === 1 ? CONTACT_FIELDS[FIELD_CODES.indexOf(code)] : undefined;

/** Builds the codec over an HMAC. Pure (given a pure `mac`). */
export function createButtonCodec(mac: Mac): ButtonCodec {
  const sign = (text: string) => mac(text).slice(0, SIG_LENGTH);
  const signed = (body: string, bind = "") => `${body}|${sign(`${body}|${bind}`)}`;
  const valid = (body: string, sig: string | undefined, bind = "") =>
    sig !== undefined && constantTimeEqual(sig, sign(`${body}|${bind}`));

  return {
    encode(d, bind) {
      switch (d.kind) {
        case "step":
          return `b|${d.flow}|${d.state}|${d.index}|${d.hash}`;
        case "instansi":
          return `i|${d.flow}|${d.state}|${d.id}`;
        case "intent":
          return `g|${d.intent}`;
        case "faq":
          return `f|${d.id}`;
        case "vote":
          return `v|${d.id}|${d.helpful ? 1 : 0}`;
        case "jump":
          return signed(`s|${d.flow}|${d.state}`);
        case "rate":
          return `r|${d.caseId}|${d.stars}`;
        case "reopen":
          return `o|${d.caseId}`;
        case "resume":
          return `k|${d.caseId}`;
        case "staff":
          return signed(`d|${STAFF_CODE[d.action]}|${d.caseId}`, bind);
        case "link":
          return signed(`h|${d.instansi}`, bind);
        case "claim":
          return signed(`c|${d.decision === "approve" ? "a" : "r"}|${d.claimId}`);
        case "contact":
          return d.action === "edit"
            ? signed(`n|e|${d.instansi}|${fieldCode(d.field)}`, bind)
            : signed(`n|${d.action === "show" ? "s" : "c"}|${d.instansi}`, bind);
      }
    },

    parse(data, bind) {
      const p = data.split("|");
      const [kind, a = "", b = "", c = "", e] = p;
      switch (kind) {
        case "b":
          return p.length === 5 && /^\d{1,2}$/.test(c)
            ? { kind: "step", flow: a, state: b, index: Number(c), hash: e ?? "" }
            : undefined;
        case "i":
          return p.length === 4 ? { kind: "instansi", flow: a, state: b, id: c } : undefined;
        case "g":
          return p.length === 2 && (Intent.options as readonly string[]).includes(a)
            ? { kind: "intent", intent: a as Intent }
            : undefined;
        case "f":
          return p.length === 2 && a !== "" ? { kind: "faq", id: a } : undefined;
        case "v":
          return p.length === 3 && (b === "0" || b === "1")
            ? { kind: "vote", id: a, helpful: b === "1" }
            : undefined;
        case "s":
          return p.length === 4 && valid(head(p, 3), c) ? { kind: "jump", flow: a, state: b } : undefined;
        case "r":
          return p.length === 3 && /^[1-5]$/.test(b) && a !== ""
            ? { kind: "rate", caseId: a, stars: Number(b) }
            : undefined;
        case "o":
          return p.length === 2 && a !== "" ? { kind: "reopen", caseId: a } : undefined;
        case "k":
          return p.length === 2 && a !== "" ? { kind: "resume", caseId: a } : undefined;
        case "d": {
          const action = STAFF[a];
          return p.length === 4 && action !== undefined && valid(head(p, 3), c, bind)
            ? { kind: "staff", action, caseId: b }
            : undefined;
        }
        case "h":
          return p.length === 3 && valid(head(p, 2), b, bind) ? { kind: "link", instansi: a } : undefined;
        case "c":
          return p.length === 4 && (a === "a" || a === "r") && /^\d{1,18}$/.test(b) && valid(head(p, 3), c)
            ? { kind: "claim", decision: a === "a" ? "approve" : "reject", claimId: b }
            : undefined;
        case "n": {
          if (a === "e") {
            const field = fieldOf(c);
            return p.length === 5 && field !== undefined && valid(head(p, 4), e, bind)
              ? { kind: "contact", action: "edit", instansi: b, field }
              : undefined;
          }
          return p.length === 4 && (a === "s" || a === "c") && valid(head(p, 3), c, bind)
            ? { kind: "contact", action: a === "s" ? "show" : "confirm", instansi: b }
            : undefined;
        }
        default:
          return undefined;
      }
    },
  };
}

/** The first `n` parts of button data, joined again (the signed body). */
function head(parts: string[], n: number): string {
  return parts.slice(0, n).join("|");
}

/** Compares two short strings without an early exit (no timing hint about the signature). */
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
