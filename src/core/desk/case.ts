import { z } from "zod";
import type { Span } from "../protocol.ts";

/** A case type as declared in flows/data/cases.yaml. */
export const CaseType = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  title: z.string().min(1),
  fields: z
    .record(z.string(), z.string().min(1))
    .describe("session variable → label on the case card, in order"),
  required: z.array(z.string()).default([]),
  returnTo: z
    .string()
    .regex(/^[a-z0-9-]+\/[a-z0-9-]+$/)
    .describe("flow/state to continue at after the case is resolved"),
  returnLabel: z.string().min(1),
});
export type CaseType = z.infer<typeof CaseType>;
export const CaseTypesFile = z.strictObject({ types: z.array(CaseType).min(1) });

export const CASE_VERSION = 2;
export const CaseStatus = z.enum(["open", "claimed", "resolved", "returned", "cancelled"]);
export type CaseStatus = z.infer<typeof CaseStatus>;

/** A channel address ("tg:123"). */
const Address = z.string().min(3).max(64);
const Staff = z.object({ id: Address, name: z.string().max(128) });

/** One case, as stored (plain JSON, versioned, parsed on read). */
export const Case = z.object({
  v: z.literal(CASE_VERSION),
  id: z.string().max(16),
  type: z.string().max(32),
  status: CaseStatus,
  /** The user's private chat, as an address ("tg:123"). */
  user: Address,
  instansi: z.string().max(32).optional(),
  /** The HR group it is routed to, and whether that was the fallback desk. */
  group: Address,
  fallback: z.boolean(),
  fields: z.record(z.string().max(32), z.string().max(256)),
  /** The card in the group and the case's forum topic, as the channel's message references. */
  card: z.string().max(64).optional(),
  topic: z.string().max(64).optional(),
  claimedBy: Staff.optional(),
  createdAt: z.number().int(),
  claimedAt: z.number().int().optional(),
  firstAnswerAt: z.number().int().optional(),
  closedAt: z.number().int().optional(),
  remindedAt: z.number().int().optional(),
  /** The user's last message to the case, and the staff's last answer. */
  userAt: z.number().int().optional(),
  staffAt: z.number().int().optional(),
  reopened: z.number().int().min(0).default(0),
  rating: z.number().int().min(1).max(5).optional(),
  comment: z.string().max(500).optional(),
  /** Messages relayed so far, both ways. */
  messages: z.number().int().min(0).default(0),
  redacted: z.boolean().default(false),
});
export type Case = z.infer<typeof Case>;

export type StaffAction = "claim" | "resolve" | "return";
export type CaseOutcome = { ok: true; case: Case } | { ok: false; reason: string };

const OPEN: CaseStatus[] = ["open", "claimed"];

/** What an erased user's address becomes in every record (cases, audit trail). */
export const ERASED = "erased:user";

/** The keys of a user's rate windows: new cases a day, messages to the group a minute (erased with the user). */
export const RATE_KEYS = {
  open: (user: string) => `open:${user}`,
  relay: (user: string) => `relay:${user}`,
} as const;
export const rateKeysOf = (user: string): string[] => [RATE_KEYS.open(user), RATE_KEYS.relay(user)];

export function isOpen(c: Case): boolean {
  return OPEN.includes(c.status);
}

/**
 * The case state machine for staff buttons: claim (open → claimed, or take
 * over), resolve (open/claimed → resolved), return to the bot (open/claimed →
 * returned). A closed case refuses every action with a short reason. Pure.
 */
export function applyStaffAction(
  c: Case,
  action: StaffAction,
  staff: { id: string; name: string },
  now: number,
): CaseOutcome {
  if (!isOpen(c)) return { ok: false, reason: `Kasus #${c.id} sudah ${statusLabel(c.status)}.` };
  switch (action) {
    case "claim":
      if (c.claimedBy?.id === staff.id)
        return { ok: false, reason: `Kasus #${c.id} sudah Anda ambil sebelumnya.` };
      return { ok: true, case: { ...c, status: "claimed", claimedBy: staff, claimedAt: c.claimedAt ?? now } };
    case "resolve":
      return { ok: true, case: { ...c, status: "resolved", closedAt: now, claimedBy: c.claimedBy ?? staff } };
    case "return":
      return { ok: true, case: { ...c, status: "returned", closedAt: now, claimedBy: c.claimedBy ?? staff } };
  }
}

/** The user's side: cancel an open case; reopen a resolved one within the window. Pure. */
export function applyUserAction(
  c: Case,
  action: "cancel" | "reopen",
  now: number,
  reopenWindowMs: number,
): CaseOutcome {
  if (action === "cancel") {
    if (!isOpen(c)) return { ok: false, reason: `Kasus #${c.id} sudah ${statusLabel(c.status)}.` };
    return { ok: true, case: { ...c, status: "cancelled", closedAt: now } };
  }
  if (c.status !== "resolved" && c.status !== "returned")
    return { ok: false, reason: `Kasus #${c.id} masih ${statusLabel(c.status)}.` };
  if (c.closedAt !== undefined && now - c.closedAt > reopenWindowMs) {
    return { ok: false, reason: `Kasus #${c.id} ditutup terlalu lama; silakan buat kasus baru.` };
  }
  const { closedAt: _closed, ...rest } = c;
  return {
    ok: true,
    case: {
      ...rest,
      status: c.claimedBy ? "claimed" : "open",
      reopened: c.reopened + 1,
      remindedAt: undefined,
      userAt: now,
    },
  };
}

export function statusLabel(status: CaseStatus): string {
  switch (status) {
    case "open":
      return "menunggu petugas";
    case "claimed":
      return "sedang ditangani petugas";
    case "resolved":
      return "selesai";
    case "returned":
      return "dikembalikan ke panduan bot";
    case "cancelled":
      return "dibatalkan";
  }
}

/** A text with the spans a user typed, which a channel must show verbatim (no command, mention or link). */
export interface InertText {
  text: string;
  inert: Span[];
}

/** Builds text line by line, remembering where user-typed values sit. */
export class TextBuilder {
  private text = "";
  private readonly inert: Span[] = [];

  /** A line: `plain`, then the typed value (inert), then `after`. */
  line(plain: string, typed?: string, after = ""): this {
    if (this.text.length > 0) this.text += "\n";
    this.text += plain;
    if (typed !== undefined && typed.length > 0) {
      this.inert.push({ offset: this.text.length, length: typed.length });
      this.text += typed;
    }
    this.text += after;
    return this;
  }

  build(): InertText {
    return { text: this.text, inert: this.inert };
  }
}

/** The case card HR staff see: every field HR needs, plain text; what the user typed is inert. Pure. */
export function renderCard(c: Case, type: CaseType | undefined, instansiName: string | undefined): InertText {
  const b = new TextBuilder()
    .line(`📨 Kasus #${c.id} · ${type?.title ?? c.type}`)
    .line(`Status: ${statusLabel(c.status)}${c.claimedBy ? ` (${c.claimedBy.name})` : ""}`);
  if (c.redacted) b.line("🗑️ Data pribadi dihapus atas permintaan pengguna.");
  if (c.fallback)
    b.line(`⚠️ Instansi ini belum punya grup HR: ${instansiName ?? c.instansi ?? "-"}. Mohon diteruskan.`);
  for (const [key, label] of Object.entries(type?.fields ?? {})) {
    if (key === "instansi") {
      const value = instansiName ?? c.fields[key];
      if (value !== undefined) b.line(`${label}: ${value}`);
    } else if (c.fields[key] !== undefined) {
      // A PPPK's number is an NI PPPK (digit 13 is 2), not a NIP.
      const shown = key === "nip" && /^\d{12}2\d{5}$/.test(c.fields[key]) ? "NI PPPK" : label;
      b.line(`${shown}: `, c.fields[key]);
    }
  }
  for (const [key, value] of Object.entries(c.fields)) {
    if (type?.fields[key] === undefined) b.line(`${key}: `, value);
  }
  if (isOpen(c)) b.line("").line("Balas (reply) pesan ini untuk menjawab pengguna.");
  return b.build();
}

/**
 * Whether a case waits for staff: unclaimed, or claimed while the user's last message (or the claim
 * itself) has had no answer since. `since` is when that waiting began. Pure.
 */
export function waitingSince(c: Case): number | undefined {
  if (c.status === "open") return c.createdAt;
  if (c.status !== "claimed") return undefined;
  const asked = Math.max(c.claimedAt ?? c.createdAt, c.userAt ?? 0);
  return c.staffAt !== undefined && c.staffAt >= asked ? undefined : asked;
}
