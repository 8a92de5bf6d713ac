/**
 * Short notices sent outside a conversation turn (the turn's own texts live in
 * the flows and in flow/messages.ts). Indonesian, like every user text.
 */

/** To a chat whose updates came faster than they can be handled: the excess was dropped. */
export const FLOOD_NOTICE =
  "Pesan Anda terlalu banyak sekaligus; sebagian saya lewati. Silakan kirim satu per satu.";
