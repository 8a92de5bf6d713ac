/**
 * Short notices sent outside a conversation turn (the turn's own texts live in
 * the flows and in flow/messages.ts). Indonesian, like every user text.
 */

/** To a chat whose updates came faster than they can be handled: the excess was dropped. */
export const FLOOD_NOTICE =
  "Pesan Anda terlalu banyak sekaligus; sebagian saya lewati. Silakan kirim satu per satu.";

/** When the store is unreachable: the user's message was not taken; nothing was changed. */
export const OUTAGE = "Maaf, sedang ada gangguan, silakan coba beberapa saat lagi.";

/** When a turn failed for another reason (the session is kept as it was). */
export const APOLOGY = "Maaf, terjadi kesalahan. Silakan coba lagi.";
