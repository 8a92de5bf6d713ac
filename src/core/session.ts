import { z } from "zod";

/** Bump when the stored shape changes; older data is parsed by a migration or replaced. */
export const SESSION_VERSION = 1;
/** Steps remembered for "Kembali": enough to walk back through a journey, small enough for ≤ 512 B sessions. */
export const HISTORY_MAX = 8;

/**
 * One chat's conversation state: plain JSON, small (stored per chat in Redis).
 * Holds no password, token or OTP, ever. `vars` may hold personal data (NIP,
 * instansi, email): masked in logs, erasable with /hapusdata.
 */
export const Session = z.object({
  v: z.literal(SESSION_VERSION),
  flow: z.string().max(64),
  state: z.string().max(64),
  /** Previous steps as "flow/state", newest last (for "Kembali"). */
  history: z.array(z.string().max(130)).max(HISTORY_MAX),
  vars: z.record(z.string().max(32), z.string().max(256)),
  counters: z.record(z.string().max(32), z.number().int().min(0)),
  /** Invalid answers in a row in the current state. */
  fails: z.number().int().min(0),
  locale: z.string().max(8).optional(),
  /** Ids of the FAQ gaps this user's last questions became (core/faq-gap.ts gapId), for /hapusdata. */
  asked: z.array(z.string().max(16)).max(8).optional(),
  /** Last change, ms since epoch. */
  at: z.number().int().min(0),
});
export type Session = z.infer<typeof Session>;

export type ParsedSession = { ok: true; session: Session } | { ok: false; reason: string };

/** Parses stored data (already JSON-decoded). Never throws. */
export function parseSession(data: unknown): ParsedSession {
  const result = Session.safeParse(data);
  if (result.success) return { ok: true, session: result.data };
  return { ok: false, reason: z.prettifyError(result.error) };
}

export function newSession(flow: string, state: string, now: number): Session {
  return { v: SESSION_VERSION, flow, state, history: [], vars: {}, counters: {}, fails: 0, at: now };
}
