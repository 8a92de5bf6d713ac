/**
 * A small HR network with cases for the dashboard tests (HTTP, browser, digest,
 * store contracts): two offices, a regional manager, the central desk, and the
 * cases of November 2026 (WIB) with known times, ratings, staff and personal data.
 */
import { CASE_VERSION, type Case } from "../../src/core/desk/case.ts";
import type { DeskStore } from "../../src/stores.ts";

/** Tuesday 24 November 2026, 10:00 WIB. */
export const NOW = Date.UTC(2026, 10, 24, 3);
export const NOVEMBER = { dari: "2026-11-01", sampai: "2026-11-24" };

export const BOGOR = "tg:-100500";
export const BANDUNG = "tg:-100510";
export const KANREG = "tg:-100700";
export const CENTRAL = "tg:-100999";
export const STRANGERS = "tg:-100666";

const H = 3_600_000;
const M = 60_000;
const at = (day: number, hourUtc = 2) => Date.UTC(2026, 10, day, hourUtc);

interface Seed {
  id: number;
  type: string;
  status: Case["status"];
  instansi?: string;
  group: string;
  createdAt: number;
  firstAnswer?: number;
  close?: number;
  rating?: number;
  staff?: [string, string];
  fields: Record<string, string>;
  fallback?: boolean;
  comment?: string;
}

const person = (nip: string, nama: string, user: string) => ({
  nip,
  nama,
  instansi: "",
  "email-lama": `${user}.lama@gmail.com`,
  "email-baru": `${user}.baru@gmail.com`,
});

const SARI: [string, string] = ["tg:9001", "Sari Petugas"];
const JOKO: [string, string] = ["tg:9002", "Joko Petugas"];
const DEWI: [string, string] = ["tg:9101", "Dewi Bandung"];

export const SEEDS: Seed[] = [
  // Kabupaten Bogor, in its own group.
  {
    id: 1,
    type: "email",
    status: "resolved",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(3),
    firstAnswer: 30 * M,
    close: 2 * H,
    rating: 5,
    staff: SARI,
    fields: person("198609262015051001", "Budi Santoso", "budi"),
    comment: "Cepat sekali, terima kasih Bu Sari",
  },
  {
    id: 2,
    type: "email",
    status: "resolved",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(10),
    firstAnswer: 1 * H,
    close: 5 * H,
    rating: 4,
    staff: SARI,
    fields: person("198701012010011002", "Ani Lestari", "ani"),
  },
  {
    id: 3,
    type: "token",
    status: "returned",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(11),
    firstAnswer: 2 * H,
    close: 24 * H,
    rating: 3,
    staff: JOKO,
    fields: { nip: "199002022019031003", nama: "Citra Dewi", instansi: "32.01", jalur: "digital" },
  },
  {
    id: 4,
    type: "mfa",
    status: "claimed",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(18),
    firstAnswer: 20 * M,
    staff: JOKO,
    fields: {
      nip: "198812122014022004",
      nama: "Dodi Pratama",
      instansi: "32.01",
      masalah: "QR code MFA tidak muncul",
    },
  },
  {
    id: 5,
    type: "email",
    status: "open",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(20),
    fields: person("199105052020121005", "Eka Putri", "eka"),
  },
  {
    id: 6,
    type: "umum",
    status: "open",
    instansi: "32.01",
    group: BOGOR,
    createdAt: Date.UTC(2026, 9, 20, 2),
    fields: {
      pertanyaan: "Kapan SK saya terbit?",
      nip: "198503032009011006",
      nama: "Fajar Nugroho",
      instansi: "32.01",
    },
  },
  {
    id: 7,
    type: "email",
    status: "cancelled",
    instansi: "32.01",
    group: BOGOR,
    createdAt: at(21),
    close: 10 * M,
    fields: person("199206062021011007", "Gita Sari", "gita"),
  },
  // Kota Bandung, in its own group.
  {
    id: 8,
    type: "email",
    status: "resolved",
    instansi: "32.73",
    group: BANDUNG,
    createdAt: at(5),
    firstAnswer: 10 * M,
    close: 1 * H,
    rating: 2,
    staff: DEWI,
    fields: person("199001012015052008", "Hadi Bandung", "hadi"),
  },
  {
    id: 9,
    type: "token",
    status: "open",
    instansi: "32.73",
    group: BANDUNG,
    createdAt: at(19),
    fields: { nip: "199303032022031009", nama: "Indah Bandung", instansi: "32.73" },
  },
  {
    id: 10,
    type: "email",
    status: "resolved",
    instansi: "32.73",
    group: BANDUNG,
    createdAt: at(23),
    firstAnswer: 3 * H,
    close: 4 * H,
    rating: 5,
    staff: DEWI,
    fields: person("198404042008012010", "Joni Bandung", "joni"),
  },
  // Routed to the central desk: a Bogor case from before Bogor had a group, and a Semarang case.
  {
    id: 11,
    type: "email",
    status: "resolved",
    instansi: "32.01",
    group: CENTRAL,
    fallback: true,
    createdAt: at(2),
    firstAnswer: 4 * H,
    close: 6 * H,
    rating: 4,
    staff: ["tg:9301", "Pusat Rina"],
    fields: person("198002022005011011", "Kiki Pusat", "kiki"),
  },
  {
    id: 12,
    type: "email",
    status: "open",
    instansi: "33.74",
    group: CENTRAL,
    fallback: true,
    createdAt: at(15),
    fields: person("198106062006041012", "Lina Semarang", "lina"),
  },
];

export function toCase(s: Seed): Case {
  return {
    v: CASE_VERSION,
    id: String(s.id),
    type: s.type,
    status: s.status,
    user: `tg:${5000 + s.id}`,
    ...(s.instansi !== undefined ? { instansi: s.instansi } : {}),
    group: s.group,
    fallback: s.fallback ?? false,
    fields: Object.fromEntries(
      Object.entries(s.fields).map(([k, v]) => [k, k === "instansi" && v === "" ? (s.instansi ?? "") : v]),
    ),
    createdAt: s.createdAt,
    ...(s.staff !== undefined
      ? { claimedBy: { id: s.staff[0], name: s.staff[1] }, claimedAt: s.createdAt + (s.firstAnswer ?? M) }
      : {}),
    ...(s.firstAnswer !== undefined ? { firstAnswerAt: s.createdAt + s.firstAnswer } : {}),
    ...(s.close !== undefined ? { closedAt: s.createdAt + s.close } : {}),
    reopened: 0,
    ...(s.rating !== undefined ? { rating: s.rating } : {}),
    ...(s.comment !== undefined ? { comment: s.comment } : {}),
    messages: 2,
    redacted: false,
  };
}

export const CASES: Case[] = SEEDS.map(toCase);

/** Cases by id, for assertions. */
export const CASE = (id: number) => CASES[id - 1]!;

/** The network (routes, a manager for Jawa Barat, group titles) and every case. */
export async function seedDesk(store: DeskStore, jawaBarat: string[], cases: Case[] = CASES): Promise<void> {
  await store.tx(async (tx) => {
    const t0 = Date.UTC(2026, 9, 1);
    for (const [address, title] of [
      [BOGOR, "BKPSDM Kab Bogor"],
      [BANDUNG, "BKPSDM Kota Bandung"],
      [KANREG, "Kanreg III BKN"],
      [CENTRAL, "Meja Pusat Pandu"],
      [STRANGERS, "Grup Tak Dikenal"],
    ] as const)
      await tx.saveGroup({ address, title, forum: false });
    await tx.setRoute("32.01", BOGOR, t0);
    await tx.setRoute("32.73", BANDUNG, t0);
    await tx.setManaged(KANREG, jawaBarat, t0);
    for (const c of cases) await tx.insertCase(c);
  });
}
