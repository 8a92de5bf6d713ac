/**
 * What the pure core may consult besides the flows: look-ups built once at
 * start-up by the adapters and handed in as plain functions over data. Every
 * function here must be pure (same input, same output, no I/O).
 */

/** One instansi (agency) with its HR unit, as the directory knows it. */
export interface InstansiRef {
  /** Stable id: "32.01" (kab/kota, Kemendagri code), "32" (provinsi), "kemenag" (central). */
  id: string;
  /** Display name: "Kabupaten Bogor", "Provinsi Jawa Barat", "Kementerian Agama". */
  name: string;
}

export interface DirectoryHit extends InstansiRef {
  score: number;
}

/** An office's own contact card, kept by its verified HR group (see desk/contacts.ts). */
export interface OfficeCard {
  instansi: string;
  officeName?: string;
  address?: string;
  phone?: string;
  whatsapp?: string;
  email?: string;
  website?: string;
  hours?: string;
  note?: string;
  updatedBy: string;
  updatedName?: string;
  updatedAt: number;
  confirmedAt: number;
  /** When its group was last asked to confirm it. */
  askedAt?: number;
}

export interface DirectoryLookup {
  /** Best matches for what a user typed ("kab bogor", "kemenag"), best first. */
  search(query: string, limit?: number): DirectoryHit[];
  get(id: string): InstansiRef | undefined;
  /** Indonesian contact card of the instansi's HR office; never invents a contact. */
  card(id: string): string;
  /** The instansi whose HR office serves `id` (Jakarta's administrative cities → the province); `id` itself otherwise. */
  servedBy(id: string): string;
  /** A province with every kabupaten/kota in it; any other instansi alone. */
  within(id: string): string[];
  /**
   * The cards offices keep themselves, shown in `card()` from now on (replacing the previous set).
   * `now` decides which are old enough to be marked as possibly outdated.
   */
  useOfficeCards(cards: readonly OfficeCard[], now: number): void;
}

export interface FaqHitRef {
  id: string;
  title: string;
  answer: string;
  score: number;
  /** A flow target ("aktivasi/pilih-jalur") the answer may offer to start. */
  flow?: string;
  /** "high": answer at once; "low": ask "Apakah maksud Anda…". Absent: judged by score. */
  confidence?: "high" | "low";
  /** An honest "di luar yang Pandu tahu" answer: the question stays unanswered, so it is recorded too. */
  offTopic?: boolean;
}

/** FAQ hits scoring below this (0..1) are not worth suggesting ("Apakah maksud Anda…"). */
export const FAQ_SUGGEST = 0.25;

export interface FaqLookup {
  search(query: string, limit?: number): FaqHitRef[];
  get(id: string): FaqHitRef | undefined;
}
