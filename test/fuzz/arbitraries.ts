/**
 * fast-check arbitraries for the fuzz suite: a scenario is the initial state
 * (stored sessions, a user with an open case) plus a list of actions. Actions
 * are plans, not finished updates: "press a button the bot sent to this chat"
 * or "reply to a case card" only make sense against the running bot, so the
 * runner (properties.ts) turns each plan into a Telegram `Update` at run time.
 * That is how replayed and stale buttons are produced, and why a shrunk
 * counterexample still replays.
 */
import fc from "fast-check";
import type { World } from "../../src/core/flow/transition.ts";

// ------------------------------------------------------------------ actors

export const START_CLOCK = Date.UTC(2026, 10, 24, 3, 0, 0);
export const BOT_USERNAME = "PanduTestBot";

/** Private users; each has personal data of their own that nobody else may ever be shown. */
export interface Actor {
  id: number;
  /** Valid NIP / NI PPPK (18 ASCII digits). */
  nip: string;
  name: string;
  emailOld: string;
  emailNew: string;
}

// None of these appears in flows/ or the FAQ (the bot's own example NIP is 19860926 201505 1 001).
const NIPS: Record<number, string> = {
  1001: "198807152014031001",
  1002: "197503142001122002",
  1003: "199011052019031003",
  1004: "198212302010011004",
  1005: "199507172022212005", // NI PPPK
};

export const USERS = [1001, 1002, 1003, 1004, 1005] as const;
export type UserId = (typeof USERS)[number];
/** In ADMIN_IDS: may use /faqgap, /statistik and /hubungkan anywhere. */
export const ADMIN: UserId = 1005;

export const ACTORS: ReadonlyMap<number, Actor> = new Map(
  USERS.map((id) => [
    id,
    {
      id,
      nip: NIPS[id]!,
      name: `Nama Unik ${id}`,
      emailOld: `nama.unik${id}@gmail.com`,
      emailNew: `baru.unik${id}@yahoo.co.id`,
    },
  ]),
);

/** HR group approved for Kabupaten Bogor at setup, and the fallback desk (HR_CHAT_ID). */
export const HR_GROUP = -100500;
/** Forum supergroup approved for Kota Bandung at setup: one topic per case. */
export const FORUM_GROUP = -100700;
/**
 * A small group (type "group") the bot was added to, linked to nothing at first: it may claim an
 * instansi and be approved (a move, when another group serves it), and may become a supergroup
 * (migrate_to_chat_id: a new chat id from then on).
 */
export const PLAIN_GROUP = -100600;
/** A stranger's group: its admin (STRANGER_ADMIN, nobody's staff) claims instansi that nobody ever approves. */
export const STRANGER_GROUP = -100666;
/** A Kanreg BKN group a bot admin may make regional manager (`/pengelola jawa barat`): approves claims, catches cases of broken offices. */
export const MANAGER_GROUP = -100800;
export const CHANNEL = -100900;
export const GROUPS = {
  hr: HR_GROUP,
  forum: FORUM_GROUP,
  plain: PLAIN_GROUP,
  stranger: STRANGER_GROUP,
  manager: MANAGER_GROUP,
} as const;
export type GroupKey = keyof typeof GROUPS;

export interface GroupChat {
  id: number;
  type: string;
  title: string;
  is_forum?: true;
}

export const GROUP_CHATS: Record<number, GroupChat> = {
  [HR_GROUP]: { id: HR_GROUP, type: "supergroup", title: "HR Kab Bogor" },
  [FORUM_GROUP]: { id: FORUM_GROUP, type: "supergroup", title: "HR Kota Bandung", is_forum: true },
  [PLAIN_GROUP]: { id: PLAIN_GROUP, type: "group", title: "Grup Alumni" },
  [STRANGER_GROUP]: { id: STRANGER_GROUP, type: "supergroup", title: "Grup Tetangga" },
  [MANAGER_GROUP]: { id: MANAGER_GROUP, type: "supergroup", title: "Kanreg III BKN" },
};

/** HR staff (900 is an admin of every group but the stranger's); the Pandu admin also posts in groups. */
export const STAFF_IDS = [900, 901, 902, ADMIN] as const;
export const GROUP_ADMIN = 900;
/** The only admin of STRANGER_GROUP; a plain member anywhere else. */
export const STRANGER_ADMIN = 950;
export const STAFF_NAMES: Record<number, { first_name: string; last_name?: string }> = {
  900: { first_name: "Kepala", last_name: "Bidang" },
  901: { first_name: "Sari", last_name: "Wulan" },
  902: { first_name: "Agus" },
  [STRANGER_ADMIN]: { first_name: "Orang", last_name: "Asing" },
  [ADMIN]: { first_name: "Admin", last_name: "Pandu" },
};

// ----------------------------------------------------------------- actions

/** Callback data: a literal (random, forged, from an old flow version) or a button the bot really sent. */
export type CallbackSpec =
  | { from: "literal"; data: string }
  /** `back` messages before the newest one with buttons; `pick` chooses among its buttons. */
  | { from: "replay"; back: number; pick: number };

export type MediaKind =
  | "sticker"
  | "photo"
  | "document"
  | "contact"
  | "location"
  | "venue"
  | "voice"
  | "video"
  | "video_note"
  | "audio"
  | "animation"
  | "poll"
  | "dice";

export type StaffTarget =
  | { to: "card"; pick: number }
  | { to: "bot-message"; pick: number }
  | { to: "random"; messageId: number };

/** Buttons that must not be forged (signed): claim decisions, contact cards, /hubungkan choices, case cards. */
export type SignedKind = "c" | "n" | "h" | "d";
/**
 * How a genuine signed button is altered before it is pressed: not at all (a genuine press, or a
 * stale one when it was decided already), its signature, its body (another claim, instansi, field,
 * case, or the other decision) under the old signature, no signature, an extra field, cut short.
 */
export type Tamper = "none" | "sig" | "body" | "nosig" | "extra" | "cut";
/** Where a signed button is pressed: the chat it was sent to, the presser's private chat, or a group. */
export type PressAt = "same" | "private" | GroupKey;
/** Where a journey's case goes: an office named in the instansi step, or an office's start link. */
export type JourneyOffice = "kab bogor" | "kota bandung" | "kota surabaya" | "link-32_01" | "link-32_73";
/** The bot's membership as my_chat_member reports it; "administrator-topics" may also manage forum topics. */
export type BotStatus = "member" | "kicked" | "left" | "administrator" | "administrator-topics";

export type Action = { dt: number } & (
  | { kind: "text"; user: number; text: string; entity: boolean }
  /** Resolved at run time: a fitting answer to the user's current step (NIP, name, email, instansi…). */
  | { kind: "answer"; user: number; variant: number }
  | { kind: "media"; user: number; media: MediaKind; caption?: string }
  /** A private message without text or media (pinned message, write access…). */
  | { kind: "service"; user: number }
  | { kind: "edited"; user: number; text: string }
  | { kind: "callback"; user: number; data: CallbackSpec }
  /** A press on a message sent in inline mode (no chat), or on a game button (no data). */
  | { kind: "inline-callback"; user: number; data?: string }
  /** Telegram delivers the user's previous update again (same update_id). */
  | { kind: "duplicate"; user: number }
  | { kind: "group-text"; group: GroupKey; from: number; text: string; entity: boolean }
  | {
      kind: "staff-reply";
      group: GroupKey;
      from: number;
      target: StaffTarget;
      text: string;
      photo: boolean;
    }
  /** A message in a forum topic: the case's topic, or any other. */
  | { kind: "topic-message"; from: number; pick: number; text: string; photo: boolean }
  | { kind: "group-callback"; group: GroupKey; from: number; data: CallbackSpec }
  | { kind: "channel-post"; text: string; edited: boolean; entity: boolean }
  | { kind: "my-chat-member"; chat: number; status: BotStatus }
  | { kind: "chat-member"; group: GroupKey; user: number; status: "member" | "left" }
  | { kind: "inline-query"; user: number; query: string }
  | { kind: "chosen-inline"; user: number; query: string }
  /** A command of the HR network in a group (claims, managers, contact card, links, poster, history, statistics, cases). */
  | { kind: "hr-command"; group: GroupKey; from: number; text: string }
  /**
   * A reply to the bot in a group while a contact-card edit may be in progress: by the admin editing
   * ("editor") or someone else, a valid or invalid value for the field being edited (or `free` text),
   * or /batal. Resolved at run time from the group's stored state.
   */
  | {
      kind: "contact-answer";
      group: GroupKey;
      from: number | "editor";
      variant: number;
      batal: boolean;
      free?: string;
    }
  /**
   * A press on a signed button the bot sent (`pick` among the newest of that kind; a forgery when it
   * sent none), maybe tampered, in the chat it was sent to or elsewhere: by `user` in a private chat,
   * by `from` in a group. For claims, `approve` picks "Setujui" or "Tolak".
   */
  | {
      kind: "signed-callback";
      prefix: SignedKind;
      at: PressAt;
      user: number;
      from: number;
      pick: number;
      approve: boolean;
      tamper: Tamper;
    }
  /** The small group becomes a supergroup (migrate_to_chat_id, then migrate_from_chat_id in the new chat); once. */
  | { kind: "migrate" }
  /**
   * A user walks the email-case journey (several updates): from /start naming an office (HR group,
   * forum, fallback desk) or from an office's start link, all of it or its first `steps` steps.
   */
  | { kind: "journey"; user: number; office: JourneyOffice; steps: number }
  /** A user ends their case ("/batal", then "❌ Batalkan kasus" if `cancel`) and asks /hapusdata. */
  | { kind: "erase"; user: number; cancel: boolean }
  /** Delivers the desk outbox (the runtime's loop does this every second). */
  | { kind: "flush" }
  /** Time passes (minutes to months) and the desk's periodic work runs. */
  | { kind: "tick"; jump: number }
);
export type ActionKind = Action["kind"];

// ----------------------------------------------------------- session seeds

export type SessionSeed =
  | { kind: "none" }
  /** A schema-valid session at any compiled state (or at a state that does not exist). */
  | { kind: "valid"; session: Record<string, unknown> }
  /** Valid JSON the session schema refuses: another library's session, an older version, garbage. */
  | { kind: "corrupt"; json: string };

export interface Scenario {
  /** One per user, in USERS order. */
  seeds: SessionSeed[];
  /** Opens an email case through the real journey before the random part. */
  caseOwner?: number;
  /** "kab bogor" → the HR group; "kota bandung" → the forum; "kota surabaya" → the fallback desk. */
  caseInstansi: string;
  actions: Action[];
}

// -------------------------------------------------------------------- texts

const COMMANDS = [
  "/start",
  "/menu",
  "/batal",
  "/bantuan",
  "/petugas",
  "/privasi",
  "/hapusdata",
  "/faq",
  "/faq x",
  "/faq token tidak masuk",
  "/faq Bagaimana cara aktivasi?",
  "/kasus",
  "/hubungkan kab bogor",
  "/putuskan",
  "/statistik",
  "/faqgap",
  "/xyz",
  "/menu@OtherBot",
  "/start@OtherBot",
  "/menu@PanduTestBot",
  "/kasus@PanduTestBot",
  "/start kasus-1",
  "/start 👋",
  "/help",
  "/cancel",
  "/MENU",
  "/faq@OtherBot apa",
  "/",
  "//",
  "/ menu",
];

/**
 * Start links (t.me/<bot>?start=…): offices' genuine ones, unknown instansi, garbage, over-long
 * payloads (Telegram allows 64 characters of A-Za-z0-9_-), and the payload typed by hand.
 */
export const DEEP_LINKS = [
  "/start i-32_01",
  "/start i-32_73",
  "/start i-35_78",
  "/start i-32_01",
  "/start i-xx",
  "/start i-99_99",
  "/start i-",
  "/start i-32_01_",
  "/start I-32_01",
  "/start i-32.01",
  "/start i-32_01 i-32_73",
  `/start i-${"3".repeat(62)}`,
  `/start i-${"a".repeat(100)}`,
  `/start ${"x".repeat(65)}`,
  "/start i-__proto__",
  "/start@PanduTestBot i-32_73",
  "/start i-32_01\u0000",
];

/** The commands users actually type, again, so each comes up often. */
const CORE_COMMANDS = [
  "/start",
  "/menu",
  "/batal",
  "/kasus",
  "/petugas",
  "/hapusdata",
  "/bantuan",
  "/faqgap",
];

const INSTANSI_TEXTS = [
  "kab bogor",
  "kota bandung",
  "kota surabaya",
  "bogor",
  "kemenag",
  "pemprov jabar",
  "BKPSDM Kabupaten Bogor",
  "xyzzy tidak ada",
  "kab. bogor",
  "ｋａｂ ｂｏｇｏｒ",
];

const FAQ_QUESTIONS = [
  "token tidak masuk",
  "bagaimana cara aktivasi?",
  "syarat password apa?",
  "kenapa email tidak sesuai?",
  "apa itu NI PPPK?",
  "gimana reset mfa",
  "kok gabisa login",
  "invalid authenticator code",
  "data not found in auth bkn",
  "apa arti kode 24 di nip saya?",
  "kapan asn digital normal lagi?",
  "siapa yang bisa ganti email saya?",
];

const SECRETS = [
  "Rahasia#2024xy",
  "P@ssw0rd!",
  "123456",
  "123 456",
  "١٢٣٤٥٦",
  "Xk29Lm03",
  "ABCDEF12",
  "qwerty",
  "a1B2c3D4e5",
  "token: 884213",
  "kode OTP saya 551234",
];

/**
 * A secret inside a sentence, a caption or an edit, as users type it; `secret` is the part that must
 * never be sent (except in deleteMessage), saved in a session or case, recorded or logged.
 * None of them appears in flows/, the FAQ or any other fuzz text.
 */
export const SECRET_SENTENCES: { text: string; secret: string }[] = [
  { text: "password baru saya Rahasia#7731q ditolak", secret: "Rahasia#7731q" },
  { text: "kode OTP 738291 dari email kok tidak bisa", secret: "738291" },
  { text: "ini tokennya 58213947 benar ga?", secret: "58213947" },
  { text: "token saya Zq7Kx2Lm9W tidak valid", secret: "Zq7Kx2Lm9W" },
  { text: "kode verifikasi 612 904 dari authenticator", secret: "612 904" },
  { text: "pw saya Kucing7!Qz kenapa salah terus", secret: "Kucing7!Qz" },
  { text: "passwordku budiman8817 salah terus", secret: "budiman8817" },
  { text: "otp440918 sudah kadaluarsa?", secret: "440918" },
  { text: "Kode OTP: 739215. Tolong bantu", secret: "739215" },
  {
    text: "link reset https://asndigital.bkn.go.id/reset?token=9f8e7d6c5b4a kok expired",
    secret: "9f8e7d6c5b4a",
  },
  { text: "kenapa kode otp saya 5521 ditolak?", secret: "5521" },
  { text: "nama saya tetap, sandi lama Garuda#1945x", secret: "Garuda#1945x" },
];

/** A secret sentence, alone or after other text (a question, the user's NIP), as text, caption or edit. */
export function secretSentence(user: number): fc.Arbitrary<string> {
  const actor = ACTORS.get(user)!;
  return fc
    .tuple(
      fc.constantFrom(...SECRET_SENTENCES),
      fc.constantFrom("", "pak, ", "tolong dibantu: ", `nip saya ${actor.nip}, `, "bagaimana ini? "),
    )
    .map(([s, before]) => `${before}${s.text}`);
}

const INTENT_WORDS = [
  "menu",
  "kembali",
  "batal",
  "petugas",
  "bantuan",
  "tanya petugas",
  "Menu Utama",
  "BACK",
];

const STAFF_TEXTS = [
  "Email sudah kami ganti di SIASN, silakan coba reset lagi.",
  "Mohon kirim foto SK Anda.",
  "Baik, kami cek dulu.",
  "Sudah beres ya pak/bu 🙏",
  "/kasus",
  "ok",
];

const EMOJI = ["😀", "👍🏽", "👨‍👩‍👧", "🇮🇩", "❤️", "🔑", "✅", "🙏", "🤷🏻‍♀️", "𝟙𝟚𝟛"];
const RTL = ["\u202E", "\u202B", "\u200F", "مرحبا بك", "שלום", "\u202Eabc\u202C", "ئاسان"];
const CONTROL = [
  ..."\u0000\u0001\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u001b\u001f\u007f\u0085",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\u200b",
  "\u200d",
  "\u00ad",
  "\ufffd",
];

/** Digits of a string mapped into another script (Arabic-Indic, Persian, fullwidth, Devanagari, math bold). */
export function scriptDigits(digits: string, script: number): string {
  const zeros = [0x660, 0x6f0, 0xff10, 0x966, 0x1d7ce];
  const zero = zeros[script % zeros.length]!;
  return digits.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
}

/** The ways a user may type (or mistype) their own NIP. */
export function nipVariants(nip: string): string[] {
  const spaced = `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
  return [
    nip,
    spaced,
    `NIP: ${spaced}`,
    nip.replace(/(\d{6})/g, "$1-"),
    scriptDigits(nip, 0),
    scriptDigits(nip, 1),
    scriptDigits(spaced, 2),
    scriptDigits(nip, 3),
    scriptDigits(nip, 4),
    [...nip].join("\u200b"),
    nip.replace(/0/g, "O"),
    nip.slice(0, 15),
    `${nip.slice(0, 4)}13${nip.slice(6)}`,
    ` ${nip}\n`,
    `${nip}${nip}`,
    `nip saya ${spaced}, bagaimana cara aktivasi?`,
  ];
}

/**
 * In a message to a group, Telegram refuses it for good (the fuzz's fake Telegram: a permanent 400), so
 * the outbox buries it as a dead letter holding what the user wrote.
 */
export const PERMANENT_FAILURE = "⛔";

/** Everything a user may type that carries their own personal data. */
export function ownTexts(actor: Actor): string[] {
  return [
    `${PERMANENT_FAILURE} Ini ${actor.name}, NIP ${actor.nip}, email baru ${actor.emailNew}`,
    ...nipVariants(actor.nip),
    actor.name,
    actor.name.toLowerCase(),
    `  ${actor.name.toUpperCase()}  `,
    actor.emailOld,
    actor.emailNew,
    actor.emailOld.replace("gmail", "gmial"),
    `Saya ${actor.name}, bagaimana cara ganti email?`,
    `kenapa token tidak masuk ke ${actor.emailOld}?`,
    `Halo, nama saya ${actor.name} NIP ${actor.nip}, tolong bantu`,
  ];
}

/** Strings of about `n` code points built from a seed (never splits a surrogate pair). */
function longText(seed: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(seed, fc.constantFrom(1000, 1001, 4000, 4096, 4097, 10_000)).map(([s, n]) => {
    const unit = [...(s.length === 0 ? "a" : s)];
    const out: string[] = [];
    while (out.length < n) out.push(...unit);
    return out.slice(0, n).join("");
  });
}

const charFrom = (chars: string[]) => fc.constantFrom(...chars);

/** Texts anyone may type (no personal data): random, emoji, RTL, control characters, long, commands, labels. */
export function genericText(world: World): fc.Arbitrary<string> {
  const labels = buttonLabels(world);
  const pieces = fc.oneof(
    fc.constantFrom(...COMMANDS),
    fc.constantFrom(...INSTANSI_TEXTS),
    fc.constantFrom(...FAQ_QUESTIONS),
    fc.constantFrom(...labels),
    fc.string({ maxLength: 12 }),
  );
  return fc.oneof(
    { arbitrary: fc.constantFrom(...COMMANDS), weight: 8 },
    { arbitrary: fc.constantFrom(...CORE_COMMANDS), weight: 6 },
    { arbitrary: fc.constantFrom(...DEEP_LINKS), weight: 2 },
    { arbitrary: fc.constantFrom(...labels), weight: 8 },
    { arbitrary: fc.constantFrom(...INTENT_WORDS), weight: 2 },
    { arbitrary: fc.constantFrom(...INSTANSI_TEXTS), weight: 3 },
    { arbitrary: fc.constantFrom(...FAQ_QUESTIONS), weight: 4 },
    { arbitrary: fc.constantFrom(...SECRETS), weight: 3 },
    { arbitrary: fc.constantFrom("", " ", "\n\t ", "?", ".", "0", "1", "12"), weight: 2 },
    { arbitrary: fc.string(), weight: 4 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 3 },
    { arbitrary: fc.string({ unit: charFrom(EMOJI), maxLength: 30 }), weight: 2 },
    { arbitrary: fc.string({ unit: fc.oneof(charFrom(RTL), fc.constantFrom("a", " ")) }), weight: 2 },
    { arbitrary: fc.string({ unit: fc.oneof(charFrom(CONTROL), fc.constantFrom("x", "/")) }), weight: 2 },
    {
      arbitrary: longText(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), charFrom(EMOJI))),
      weight: 2,
    },
    { arbitrary: fc.array(pieces, { minLength: 2, maxLength: 4 }).map((p) => p.join(" ")), weight: 3 },
  );
}

/** What a user may type: generic text, their own personal data (never anyone else's), a secret in a sentence. */
export function userText(world: World, user: number): fc.Arbitrary<string> {
  const own = ownTexts(ACTORS.get(user)!);
  return fc.oneof(
    { arbitrary: genericText(world), weight: 5 },
    { arbitrary: fc.constantFrom(...own), weight: 2 },
    { arbitrary: secretSentence(user), weight: 1 },
  );
}

/** At most `max` UTF-16 units, cut between code points (Telegram delivers at most 4096). */
export function capUtf16(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

/**
 * What HR staff write in their group: no user's personal data (staff text goes
 * to a user as is), and at most 4096 UTF-16 units, as Telegram delivers it.
 */
export function staffText(world: World): fc.Arbitrary<string> {
  return fc
    .oneof(
      { arbitrary: fc.constantFrom(...STAFF_TEXTS), weight: 4 },
      { arbitrary: genericText(world), weight: 4 },
      { arbitrary: longText(fc.constantFrom("Mohon maaf, ", "🙏", "ok ", "x")), weight: 1 },
      {
        // Group commands whose reply quotes the argument back.
        arbitrary: fc
          .tuple(
            fc.constantFrom("/hubungkan ", "/putuskan ", "/hubungkan@PanduTestBot "),
            fc.oneof(fc.string({ maxLength: 30 }), longText(fc.constantFrom("kab ", "ž", "🏢"))),
          )
          .map(([cmd, arg]) => cmd + arg),
        weight: 1,
      },
    )
    .map((s) => capUtf16(s, 4096));
}

// ------------------------------------------------------------- HR network

/** What HR admins type in their group: claims, managers, the contact card, links, posters, history. */
const CLAIM_COMMANDS = [
  "/hubungkan kab bogor",
  "/hubungkan kota bandung",
  "/hubungkan kota surabaya",
  "/hubungkan bogor",
  "/hubungkan jawa barat",
  "/hubungkan",
  "/hubungkan xyzzy tidak ada",
  "/hubungkan@PanduTestBot kota bandung",
];
const MANAGER_COMMANDS = [
  "/pengelola jawa barat",
  "/pengelola",
  "/pengelola hapus",
  "/pengelola kab bogor, kota bandung",
  "/pengelola jawa timur",
  "/pengelola xyzzy",
];
const OFFICE_COMMANDS = [
  "/kontak",
  "/kontak",
  "/kontak",
  "/kontak",
  "/kontak@PanduTestBot",
  "/tautan",
  "/poster",
  "/poster kota bandung",
  "/poster xyzzy",
  "/riwayat",
  "/riwayat@OtherBot",
  "/id",
  "/statistik",
  "/kasus",
  "/kasus 1",
  "/kasus #2",
  "/kasus 99999",
];
const UNLINK_COMMANDS = ["/putuskan", "/putuskan kab bogor", "/putuskan kota bandung", "/putuskan xyzzy"];

export function hrCommand(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...OFFICE_COMMANDS), weight: 8 },
    { arbitrary: fc.constantFrom(...CLAIM_COMMANDS), weight: 4 },
    { arbitrary: fc.constantFrom(...MANAGER_COMMANDS), weight: 2 },
    { arbitrary: fc.constantFrom(...UNLINK_COMMANDS), weight: 1 },
  );
}

/** Values an admin may type for each contact-card field: valid ones and every kind of wrong one. */
export const CONTACT_VALUES: Record<string, string[]> = {
  officeName: [
    "BKPSDM Kabupaten Bogor",
    "x",
    "B".repeat(121),
    "Badan\u0000Kepegawaian",
    "https://evil.example",
    "🏢 BKD",
  ],
  address: [
    "Jl. Tegar Beriman No. 1, Cibinong",
    "x".repeat(301),
    "Jl. Tegar\u200b Beriman",
    "https://evil.example",
    "   ",
    "Jl. Raya 🏢 No. 2",
  ],
  phone: [
    "(0251) 8123456",
    "+62 251 8123456",
    "12345",
    "0251-8abc",
    "0812-3456-7890",
    "+1 555 0100",
    "0000000000",
  ],
  whatsapp: ["0812-3456-7890", "(0251) 8123456", "+62 812 3456 7890", "62812", "08123456789012345"],
  email: ["bkpsdm@bogorkab.go.id", "bkpsdm@", "bkpsdm@gmial.com", "a@b", `${"x".repeat(250)}@a.id`],
  website: [
    "https://bkpsdm.bogorkab.go.id",
    "bkpsdm.bogorkab.go.id",
    "http://bkpsdm.bogorkab.go.id",
    "javascript:alert(1)",
    "https://",
  ],
  hours: ["Senin–Jumat 08.00–15.00 WIB", "x".repeat(121), "24 jam", "\u202Eabc"],
  note: ["Bawa SK terakhir saat datang", "n".repeat(301), "/start", "@PanduTestBot t.me/xyz"],
};

function buttonLabels(world: World): string[] {
  const labels = new Set<string>(["🏠 Menu", "⬅️ Kembali", "🙋 Tanya petugas", "❓ Bantuan", "👍 Membantu"]);
  for (const state of world.flows.states.values())
    for (const b of state.buttons) labels.add(typeof b.label === "string" ? b.label : b.label.id);
  return [...labels];
}

// ---------------------------------------------------------------- callbacks

/** Callback data that is plausible but forged, from an old flow version, or plain random. */
export function forgedCallbackData(world: World): fc.Arbitrary<string> {
  const states = [...world.flows.states.values()];
  const realKeys = states.map((s) => s.key);
  // Real buttons of real states: valid data, but pressed while the user is elsewhere (stale).
  const real = states.flatMap((s) => s.buttons.map((_b, i) => `b|${s.flow}|${s.id}|${i}|${s.hash}`));
  const literal = [
    "b|aktivasi|nip-cek|0|zzzz",
    "b|hapus|lama|0|abcd",
    "b|menu|mulai|99|zzzz",
    "b|menu|mulai|-1|zzzz",
    "b|menu|mulai|0.5|zzzz",
    "b|menu|mulai|constructor|zzzz",
    "b|menu|mulai|__proto__|zzzz",
    "d|a|1|xxxx",
    "d|s|1|AAAAAAAAAA",
    "d|k|2|AAAAAAAAAA",
    "d|x|1|AAAAAAAAAA",
    "d|",
    "r|1|5",
    "r|2|1",
    "r|1|9",
    "r|99|3",
    "r||5",
    "k|1",
    "k|2",
    "k|",
    "o|1",
    "o|2",
    "o|99",
    "f|token-tidak-masuk",
    "f|tidak-ada",
    "v|x|1",
    "v|token-tidak-masuk|1",
    "v|token-tidak-masuk|0",
    "s|aktivasi|d-reset",
    "s|kasus|menunggu",
    "s|kasus|komentar",
    "s|x|y",
    "i|kontak|mulai|32.01",
    "i|kasus|instansi|32.73",
    "i|email|instansi|99.99",
    "h|32.01|sig",
    "g|menu",
    "g|back",
    "g|human",
    "g|cancel",
    "g|help",
    "g|xyz",
    "|",
    "",
  ];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...literal), weight: 6 },
    { arbitrary: fc.constantFrom(...real), weight: 4 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...realKeys), fc.nat(9), fc.string({ maxLength: 6 }))
        .map(([key, i, hash]) => `b|${key.replace("/", "|")}|${i}|${hash}`),
      weight: 2,
    },
    { arbitrary: fc.string({ maxLength: 64 }), weight: 2 },
    { arbitrary: fc.string({ unit: "binary", maxLength: 32 }), weight: 1 },
  );
}

function callbackSpec(world: World): fc.Arbitrary<CallbackSpec> {
  const replay = fc.record({
    from: fc.constant("replay" as const),
    back: fc.oneof(
      { arbitrary: fc.constant(0), weight: 6 },
      { arbitrary: fc.nat(3), weight: 3 },
      { arbitrary: fc.nat(60), weight: 1 },
    ),
    pick: fc.nat(99),
  });
  const literal = fc.record({ from: fc.constant("literal" as const), data: forgedCallbackData(world) });
  return fc.oneof({ arbitrary: replay, weight: 7 }, { arbitrary: literal, weight: 3 });
}

// ------------------------------------------------------------------ actions

/** Telegram marks a typed /command with a bot_command entity; a forged update may lack it. */
const entityArb = fc.oneof(
  { arbitrary: fc.constant(true), weight: 5 },
  { arbitrary: fc.constant(false), weight: 1 },
);

const dtArb = fc.oneof(
  { arbitrary: fc.constant(0), weight: 2 },
  { arbitrary: fc.nat(5_000), weight: 6 },
  { arbitrary: fc.nat(180_000), weight: 2 },
);

const MEDIA: MediaKind[] = [
  "sticker",
  "photo",
  "photo",
  "photo",
  "document",
  "contact",
  "location",
  "venue",
  "voice",
  "video",
  "video_note",
  "audio",
  "animation",
  "poll",
  "dice",
];

/** One random action. Weights: mostly private-chat journeys, then the HR groups, then the rest. */
export function actionArb(world: World): fc.Arbitrary<Action> {
  const user = fc.constantFrom(...USERS);
  const staff = fc.oneof(
    { arbitrary: fc.constantFrom<number>(...STAFF_IDS), weight: 8 },
    { arbitrary: fc.constant<number>(STRANGER_ADMIN), weight: 1 },
  );
  const group = fc.oneof(
    { arbitrary: fc.constant<GroupKey>("hr"), weight: 8 },
    { arbitrary: fc.constant<GroupKey>("forum"), weight: 4 },
    { arbitrary: fc.constant<GroupKey>("plain"), weight: 3 },
    { arbitrary: fc.constant<GroupKey>("stranger"), weight: 2 },
    { arbitrary: fc.constant<GroupKey>("manager"), weight: 2 },
  );
  /** Who types a network command in a group: its admins mostly, members, the bot admin; the stranger in their own group. */
  const commander = (g: GroupKey): fc.Arbitrary<number> =>
    g === "stranger"
      ? fc.constantFrom(STRANGER_ADMIN, STRANGER_ADMIN, STRANGER_ADMIN, 901, ADMIN)
      : g === "manager"
        ? fc.constantFrom<number>(ADMIN, ADMIN, GROUP_ADMIN, GROUP_ADMIN, 901)
        : fc.constantFrom<number>(GROUP_ADMIN, GROUP_ADMIN, GROUP_ADMIN, 901, 902, ADMIN, STRANGER_ADMIN);
  const tamper = fc.oneof(
    { arbitrary: fc.constant<Tamper>("none"), weight: 8 },
    { arbitrary: fc.constantFrom<Tamper>("sig", "body", "nosig", "extra", "cut"), weight: 4 },
  );
  const pressAt = fc.oneof(
    { arbitrary: fc.constant<PressAt>("same"), weight: 8 },
    { arbitrary: fc.constant<PressAt>("private"), weight: 1 },
    { arbitrary: fc.constantFrom<PressAt>("hr", "forum", "plain", "stranger", "manager"), weight: 2 },
  );
  const staffTarget: fc.Arbitrary<StaffTarget> = fc.oneof(
    { arbitrary: fc.record({ to: fc.constant("card" as const), pick: fc.nat(99) }), weight: 5 },
    { arbitrary: fc.record({ to: fc.constant("bot-message" as const), pick: fc.nat(99) }), weight: 4 },
    { arbitrary: fc.record({ to: fc.constant("random" as const), messageId: fc.nat(3000) }), weight: 1 },
  );
  const perUser = <T>(build: (u: number) => fc.Arbitrary<T>) => user.chain(build);
  const a = <K extends ActionKind>(arb: fc.Arbitrary<Omit<Extract<Action, { kind: K }>, "dt">>) =>
    fc.tuple(arb, dtArb).map(([x, dt]) => ({ ...x, dt }) as Action);

  return fc.oneof(
    {
      weight: 24,
      arbitrary: a(
        perUser((u) =>
          fc.record({
            kind: fc.constant("text" as const),
            user: fc.constant(u),
            text: userText(world, u),
            entity: entityArb,
          }),
        ),
      ),
    },
    {
      weight: 18,
      arbitrary: a(fc.record({ kind: fc.constant("answer" as const), user, variant: fc.nat(999) })),
    },
    {
      weight: 22,
      arbitrary: a(fc.record({ kind: fc.constant("callback" as const), user, data: callbackSpec(world) })),
    },
    {
      weight: 6,
      arbitrary: a(
        perUser((u) =>
          fc.record(
            {
              kind: fc.constant("media" as const),
              user: fc.constant(u),
              media: fc.constantFrom(...MEDIA),
              caption: userText(world, u),
            },
            { requiredKeys: ["kind", "user", "media"] },
          ),
        ),
      ),
    },
    { weight: 1, arbitrary: a(fc.record({ kind: fc.constant("service" as const), user })) },
    {
      weight: 3,
      arbitrary: a(
        perUser((u) =>
          fc.record({ kind: fc.constant("edited" as const), user: fc.constant(u), text: userText(world, u) }),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: a(
        fc.record(
          { kind: fc.constant("inline-callback" as const), user, data: forgedCallbackData(world) },
          { requiredKeys: ["kind", "user"] },
        ),
      ),
    },
    { weight: 2, arbitrary: a(fc.record({ kind: fc.constant("duplicate" as const), user })) },
    {
      weight: 6,
      arbitrary: a(
        fc.record({
          kind: fc.constant("group-text" as const),
          group,
          from: staff,
          text: staffText(world),
          entity: entityArb,
        }),
      ),
    },
    {
      weight: 5,
      arbitrary: a(
        fc.record({
          kind: fc.constant("staff-reply" as const),
          group,
          from: staff,
          target: staffTarget,
          text: staffText(world),
          photo: fc.boolean(),
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: a(
        fc.record({
          kind: fc.constant("topic-message" as const),
          from: staff,
          pick: fc.nat(99),
          text: staffText(world),
          photo: fc.boolean(),
        }),
      ),
    },
    {
      weight: 5,
      arbitrary: a(
        fc.record({
          kind: fc.constant("group-callback" as const),
          group,
          from: staff,
          data: callbackSpec(world),
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: a(
        fc.record({
          kind: fc.constant("channel-post" as const),
          text: staffText(world),
          edited: fc.boolean(),
          entity: fc.boolean(),
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: a(
        fc.record({
          kind: fc.constant("my-chat-member" as const),
          chat: fc.constantFrom<number>(
            ...USERS,
            HR_GROUP,
            FORUM_GROUP,
            PLAIN_GROUP,
            STRANGER_GROUP,
            MANAGER_GROUP,
            CHANNEL,
          ),
          // Back in (and repaired) more often than out, so removed groups do not stay gone all run.
          status: fc.constantFrom<BotStatus>(
            "member",
            "member",
            "administrator",
            "administrator-topics",
            "administrator-topics",
            "kicked",
            "left",
          ),
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: a(
        fc.record({
          kind: fc.constant("chat-member" as const),
          group,
          user,
          status: fc.constantFrom("member" as const, "left" as const),
        }),
      ),
    },
    {
      weight: 3,
      arbitrary: a(
        perUser((u) =>
          fc.record({
            kind: fc.constant("inline-query" as const),
            user: fc.constant(u),
            query: userText(world, u),
          }),
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: a(
        fc.record({ kind: fc.constant("chosen-inline" as const), user, query: fc.string({ maxLength: 20 }) }),
      ),
    },
    // The HR network: commands, contact-card answers, signed buttons (genuine, stale, forged), migration.
    {
      weight: 5,
      arbitrary: a(
        group.chain((g) =>
          fc.record({
            kind: fc.constant("hr-command" as const),
            group: fc.constant(g),
            from: commander(g),
            text: hrCommand(),
          }),
        ),
      ),
    },
    {
      weight: 3,
      arbitrary: a(
        fc.record(
          {
            kind: fc.constant("contact-answer" as const),
            group: fc.constantFrom<GroupKey>("hr", "hr", "forum", "plain", "manager"),
            from: fc.oneof(
              { arbitrary: fc.constant<"editor">("editor"), weight: 6 },
              { arbitrary: fc.constantFrom<number>(...STAFF_IDS), weight: 1 },
            ),
            variant: fc.nat(999),
            batal: fc.oneof(
              { arbitrary: fc.constant(false), weight: 6 },
              { arbitrary: fc.constant(true), weight: 1 },
            ),
            free: staffText(world),
          },
          { requiredKeys: ["kind", "group", "from", "variant", "batal"] },
        ),
      ),
    },
    {
      weight: 4,
      arbitrary: a(
        fc.record({
          kind: fc.constant("signed-callback" as const),
          prefix: fc.constantFrom<SignedKind>("c", "c", "c", "n", "n", "n", "h", "d"),
          at: pressAt,
          user: fc.oneof(
            { arbitrary: fc.constant<number>(ADMIN), weight: 3 },
            { arbitrary: user, weight: 1 },
          ),
          // In a group, mostly an admin (who may approve there, edit the card, file a claim).
          from: fc.constantFrom<number>(
            GROUP_ADMIN,
            GROUP_ADMIN,
            GROUP_ADMIN,
            901,
            902,
            ADMIN,
            STRANGER_ADMIN,
          ),
          pick: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.nat(5), weight: 2 }),
          approve: fc.oneof(
            { arbitrary: fc.constant(true), weight: 3 },
            { arbitrary: fc.constant(false), weight: 1 },
          ),
          tamper,
        }),
      ),
    },
    { weight: 1, arbitrary: a(fc.record({ kind: fc.constant("migrate" as const) })) },
    // Whole journeys: a case opened (more cases to route, move, erase), a case ended and the data erased.
    {
      weight: 3,
      arbitrary: a(
        fc.record({
          kind: fc.constant("journey" as const),
          user,
          office: fc.constantFrom<JourneyOffice>(
            "kab bogor",
            "kota bandung",
            "kota surabaya",
            "link-32_01",
            "link-32_73",
          ),
          steps: fc.oneof(
            { arbitrary: fc.constant(99), weight: 4 },
            { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 1 },
          ),
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: a(fc.record({ kind: fc.constant("erase" as const), user, cancel: fc.boolean() })),
    },
    { weight: 2, arbitrary: a(fc.record({ kind: fc.constant("flush" as const) })) },
    {
      weight: 1,
      arbitrary: a(
        fc.record({
          kind: fc.constant("tick" as const),
          jump: fc.oneof(
            fc.integer({ min: 60_000, max: 3 * 3_600_000 }),
            fc.integer({ min: 3_600_000, max: 4 * 24 * 3_600_000 }),
            fc.integer({ min: 100 * 24 * 3_600_000, max: 200 * 24 * 3_600_000 }),
          ),
        }),
      ),
    },
  );
}

// ------------------------------------------------------------ session seeds

/** Session variables a user may hold: their own data, desk bookkeeping (possibly stale), random keys. */
function varsArb(world: World, user: number): fc.Arbitrary<Record<string, string>> {
  const actor = ACTORS.get(user)!;
  const keys = [...world.flows.states.keys()];
  const entries: [string, fc.Arbitrary<string>][] = [
    ["nip", fc.constant(actor.nip)],
    ["jenis", fc.constantFrom("PNS", "PPPK")],
    ["nama", fc.constantFrom(actor.name, actor.name.toLowerCase())],
    ["instansi", fc.constantFrom("32.01", "32.73", "35.78", "kemenag", "99.99", "")],
    ["email-lama", fc.constant(actor.emailOld)],
    ["email-baru", fc.constant(actor.emailNew)],
    ["jenis-kasus", fc.constantFrom("email", "token", "mfa-email", "auth-bkn", "umum", "tidak-ada")],
    ["kasus", fc.constantFrom("1", "2", "3", "99", "x", "")],
    ["kasus-dinilai", fc.constantFrom("1", "2", "99")],
    ["kembali", fc.oneof(fc.constantFrom(...keys), fc.constantFrom("x/y", "", "menu"))],
    ["kembali-label", fc.string({ maxLength: 256 })],
    ["jalur", fc.constantFrom("digital", "mysapk", "?")],
    ["pertanyaan", fc.constantFrom("token tidak masuk", `Saya ${actor.name}`)],
  ];
  const picked = fc
    .subarray(entries)
    .chain((chosen) =>
      fc
        .tuple(...chosen.map(([k, v]) => v.map((x) => [k, x] as const)))
        .map((pairs) => Object.fromEntries(pairs)),
    );
  const random = fc.dictionary(fc.string({ maxLength: 32 }), fc.string({ maxLength: 256 }), { maxKeys: 3 });
  return fc.tuple(picked, random).map(([p, r]) => ({ ...r, ...p }));
}

export function sessionSeedArb(world: World, user: number): fc.Arbitrary<SessionSeed> {
  const keys = [...world.flows.states.keys()];
  const history = fc.array(fc.oneof(fc.constantFrom(...keys), fc.constantFrom("x/y", "hapus/lama")), {
    maxLength: 16,
  });
  const base = fc.record(
    {
      history,
      vars: varsArb(world, user),
      counters: fc.dictionary(fc.constantFrom("coba-token", "coba-kode", "x"), fc.nat(10), { maxKeys: 2 }),
      fails: fc.nat(5),
      locale: fc.constantFrom("id", "en", "jv"),
      at: fc.integer({ min: 0, max: START_CLOCK }),
    },
    { requiredKeys: ["history", "vars", "counters", "fails", "at"] },
  );
  const at = fc.constantFrom(...keys).map((k) => k.split("/"));
  const missing = fc.constantFrom(
    ["hapus", "lama"],
    ["aktivasi", "tidak-ada"],
    ["", ""],
    ["menu", "x".repeat(64)],
  );
  const valid = fc
    .tuple(fc.oneof({ arbitrary: at, weight: 8 }, { arbitrary: missing, weight: 1 }), base)
    .map(
      ([[flow, state], rest]): SessionSeed => ({ kind: "valid", session: { v: 1, flow, state, ...rest } }),
    );
  const corruptLiterals = [
    JSON.stringify({ foreign: "telegraf-session", __scenes: {} }),
    JSON.stringify({ v: 2, flow: "menu", state: "mulai" }),
    JSON.stringify({ v: 1 }),
    JSON.stringify({
      v: 1,
      flow: "menu",
      state: "mulai",
      history: [],
      vars: { x: "y".repeat(300) },
      counters: {},
      fails: 0,
      at: 0,
    }),
    JSON.stringify({
      v: 1,
      flow: "menu",
      state: "mulai",
      history: [],
      vars: {},
      counters: {},
      fails: -1,
      at: 0,
    }),
    '{"__proto__":{"v":1},"flow":"menu"}',
    '"hello"',
    "42",
    "[]",
    "true",
    "null",
  ];
  const corrupt = fc
    .oneof(
      { arbitrary: fc.constantFrom(...corruptLiterals), weight: 3 },
      { arbitrary: fc.json({ maxDepth: 2 }), weight: 1 },
    )
    .map((json): SessionSeed => ({ kind: "corrupt", json }));
  // One tap away from opening a case: the summary of their own data, waiting for "✅ Kirim ke petugas".
  const actor = ACTORS.get(user)!;
  const ready = fc
    .record({
      instansi: fc.constantFrom("32.01", "32.73", "35.78"),
      type: fc.constantFrom("email", "token", "mfa-email", "auth-bkn", "umum"),
      at: fc.integer({ min: START_CLOCK - 3_600_000, max: START_CLOCK }),
    })
    .map(
      ({ instansi, type, at }): SessionSeed => ({
        kind: "valid",
        session: {
          v: 1,
          flow: "kasus",
          state: "konfirmasi",
          history: ["menu/mulai", "kasus/instansi"],
          vars: {
            nip: actor.nip,
            jenis: "PNS",
            nama: actor.name,
            instansi,
            "email-lama": actor.emailOld,
            "email-baru": actor.emailNew,
            "jenis-kasus": type,
            pertanyaan: `Saya ${actor.name}, email saya salah`,
          },
          counters: {},
          fails: 0,
          at,
        },
      }),
    );
  return fc.oneof(
    { arbitrary: fc.constant<SessionSeed>({ kind: "none" }), weight: 3 },
    { arbitrary: valid, weight: 4 },
    { arbitrary: ready, weight: 3 },
    { arbitrary: corrupt, weight: 2 },
  );
}

export function scenarioArb(world: World, updates: number): fc.Arbitrary<Scenario> {
  return fc
    .record({
      seeds: fc.tuple(...USERS.map((u) => sessionSeedArb(world, u))),
      caseOwner: fc.option(fc.constantFrom(...USERS), { freq: 5, nil: undefined }),
      caseInstansi: fc.constantFrom("kab bogor", "kota bandung", "kota surabaya"),
      actions: fc.array(actionArb(world), { minLength: updates, maxLength: updates }),
    })
    .map(({ caseOwner, ...rest }): Scenario => (caseOwner === undefined ? rest : { ...rest, caseOwner }));
}

/** The scenario a seed stands for (deterministic: same seed, same world, same scenario). */
export function scenarioFor(world: World, seed: number, updates: number): Scenario {
  const [scenario] = fc.sample(scenarioArb(world, updates), { seed, numRuns: 1 });
  return scenario!;
}
