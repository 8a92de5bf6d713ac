import { COMMANDS, type CommandName, type Event } from "./protocol.ts";

/** The bot's commands with their menu descriptions (Telegram setMyCommands). */
export const COMMAND_MENU: { command: string; description: string }[] = [
  { command: "start", description: "Mulai / menu utama" },
  { command: "menu", description: "Kembali ke menu utama" },
  { command: "batal", description: "Batalkan langkah yang sedang berjalan" },
  { command: "bantuan", description: "Bantuan untuk langkah ini" },
  { command: "petugas", description: "Hubungi petugas kepegawaian" },
  { command: "faq", description: "Tanya jawab: /faq lalu pertanyaan Anda" },
  { command: "privasi", description: "Data apa yang disimpan Pandu" },
  { command: "hapusdata", description: "Hapus data Anda dari Pandu" },
  { command: "kasus", description: "Status kasus Anda di petugas" },
];

/** The commands of an HR group (Telegram shows them in groups only). */
export const GROUP_COMMAND_MENU: { command: string; description: string }[] = [
  { command: "hubungkan", description: "Ajukan grup ini untuk menerima kasus sebuah instansi" },
  { command: "kontak", description: "Kartu kontak kantor (admin grup bisa mengubah)" },
  { command: "tautan", description: "Tautan Pandu untuk pegawai instansi ini" },
  { command: "poster", description: "Poster QR tautan Pandu untuk dicetak" },
  { command: "kasus", description: "Kasus terbuka di grup ini; /kasus 12 untuk riwayatnya" },
  { command: "statistik", description: "Statistik kasus instansi grup ini (admin)" },
  { command: "dasbor", description: "Dasbor kantor: grafik, waktu, kepuasan, ekspor (admin)" },
  { command: "riwayat", description: "Riwayat instansi, permintaan, dan kartu grup ini" },
  { command: "putuskan", description: "Berhenti menerima kasus sebuah instansi (admin)" },
];

const COMMAND_TEXT = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/;

/**
 * Turns a message text into an event: known commands become command events,
 * everything else (unknown commands too) is text. A command addressed to
 * another bot ("/menu@OtherBot") returns undefined.
 */
export function textToEvent(text: string, botUsername?: string): Event | undefined {
  const m = COMMAND_TEXT.exec(text.trim());
  if (m === null) return { type: "text", text };
  const [, rawName = "", target, payload] = m;
  if (
    target !== undefined &&
    botUsername !== undefined &&
    target.toLowerCase() !== botUsername.toLowerCase()
  ) {
    return undefined;
  }
  const name = rawName.toLowerCase();
  if (name === "start")
    return payload ? { type: "start", payload: payload.trim().slice(0, 64) } : { type: "start" };
  if (name === "help") return { type: "command", name: "bantuan" };
  if (name === "cancel") return { type: "command", name: "batal" };
  if (name === "faq")
    return payload ? { type: "command", name, args: payload.trim() } : { type: "command", name };
  if ((COMMANDS as readonly string[]).includes(name)) return { type: "command", name: name as CommandName };
  return { type: "text", text };
}
