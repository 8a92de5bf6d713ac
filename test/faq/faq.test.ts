import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateFaq, evaluateOffTopic, GOALS, loadOffTopic, loadQuestions } from "../../scripts/eval-faq.ts";
import { loadFlows } from "../../src/adapters/files/load-flows.ts";
import type { FaqLookup } from "../../src/core/world.ts";
import { loadFaq, parseFaqFile } from "../../src/faq/load.ts";
import { normalizeQuery, stem } from "../../src/faq/normalize.ts";
import type { FaqEntry } from "../../src/faq/schema.ts";
import { createFaqIndex, FAQ_CONFIDENT, type FaqIndex } from "../../src/faq/search.ts";

const FAQ_DIR = fileURLToPath(new URL("../../flows/faq", import.meta.url));
const QUESTIONS = fileURLToPath(new URL("./questions.yaml", import.meta.url));
const QUESTIONS_NEW = fileURLToPath(new URL("./questions-new.yaml", import.meta.url));
const OFF_TOPIC = fileURLToPath(new URL("./off-topic.yaml", import.meta.url));

/**
 * Old set: floors just under the measured figures (2026-11-24: top-1 94.9 %, top-3 100 % on 277;
 * 2026-12-01, with the issue 16 entries: 93.1 %, 99.3 %). New and off-topic sets: the goals of
 * issue 16 (2026-12-01: new 95.8 % / 100 % on 190, off-topic 98.7 % not answered outright on 75).
 */
const FLOOR_TOP1 = 0.92;
const FLOOR_TOP3 = 0.98;

let entries: FaqEntry[];
let problems: string[];
let index: FaqIndex;

beforeAll(async () => {
  ({ entries, problems } = await loadFaq(FAQ_DIR));
  index = createFaqIndex(entries);
});

describe("FAQ content", () => {
  it("loads without problems", () => {
    expect(problems).toEqual([]);
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  it("has unique ids and complete entries", () => {
    const ids = entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of entries) {
      expect(e.id).not.toMatch(/[:/|]/);
      expect(e.questions.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.sources.length, e.id).toBeGreaterThanOrEqual(1);
      expect(e.checked, e.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(e.answer.length, e.id).toBeLessThanOrEqual(800);
    }
  });

  it("links only to states that exist in flows/", async () => {
    const flows = await loadFlows(fileURLToPath(new URL("../../flows", import.meta.url)));
    const linked = entries.filter((e) => e.flow !== undefined);
    expect(linked.length).toBeGreaterThan(10);
    for (const e of linked) expect(flows.states.has(e.flow!), `${e.id} → ${e.flow}`).toBe(true);
  });

  it("names no web address outside bkn.go.id / kemenag.go.id and no phone number", () => {
    for (const e of entries) {
      for (const host of e.answer.match(/\b[\w-]+(?:\.[\w-]+)*\.(?:id|com|net|org|ly)\b/g) ?? []) {
        expect(host, e.id).toMatch(/(^|\.)(bkn\.go\.id|kemenag\.go\.id)$/);
      }
      expect(e.answer, e.id).not.toMatch(/(\+62|\b08)\d[\d -]{6,}/);
    }
  });

  it("covers secrecy of credentials and privacy", () => {
    const ids = new Set(entries.map((e) => e.id));
    expect(ids.has("rahasiakan-password-otp")).toBe(true);
    expect(ids.has("privasi-pandu")).toBe(true);
    expect(index.get("privasi-pandu")?.answer).toContain("/privasi");
  });
});

describe("loadFaq / parseFaqFile", () => {
  it("collects every problem with file, entry id and path", () => {
    const text = [
      "entries:",
      "  - id: Bad Id",
      "    title: x",
      "    questions: [a]",
      "    answer: ok",
      "    tags: [t]",
      "    sources: []",
      '    checked: "2026-11-24"',
      "  - id: fine-entry",
      "    title: Fine",
      "    questions: [a, b, c]",
      "    answer: ok",
      "    tags: [t]",
      "    sources: [s]",
      '    checked: "yesterday"',
      "    extra: 1",
    ].join("\n");
    const found = parseFaqFile("broken.yaml", text);
    expect(found.some((p) => p.startsWith("broken.yaml › Bad Id › entries[0].id"))).toBe(true);
    expect(found.some((p) => p.includes("entries[0].questions"))).toBe(true);
    expect(found.some((p) => p.includes("entries[0].sources"))).toBe(true);
    expect(found.some((p) => p.startsWith("broken.yaml › fine-entry › entries[1].checked"))).toBe(true);
    expect(found.some((p) => p.startsWith("broken.yaml › fine-entry") && p.includes("extra"))).toBe(true);
  });

  it("reports duplicate ids across files", () => {
    const one =
      'entries:\n  - { id: sama, title: A, questions: [a, b, c], answer: x, tags: [t], sources: [s], checked: "2026-11-24" }\n';
    const seen = new Map<string, string>();
    const into: FaqEntry[] = [];
    expect(parseFaqFile("a.yaml", one, into, seen)).toEqual([]);
    expect(parseFaqFile("b.yaml", one, into, seen)).toEqual([expect.stringContaining("id ganda")]);
    expect(into).toHaveLength(1);
  });

  it("reports invalid YAML instead of throwing", () => {
    expect(parseFaqFile("x.yaml", "entries: [\n  - : :")[0]).toMatch(/^x\.yaml: YAML tidak valid/);
  });
});

describe("normalizeQuery", () => {
  it.each([
    ["gk", ["tidak"]],
    ["ga", ["tidak"]],
    ["tdk", ["tidak"]],
    ["pw", ["password"]],
    ["pass", ["password"]],
    ["sandi", ["password"]],
    ["kata sandi", ["password"]],
    ["imel", ["email"]],
    ["surel", ["email"]],
    ["e-mail", ["email"]],
    ["hp", ["ponsel"]],
    ["masuk2", ["masuk"]],
    ["berkali-kali", ["kali"]],
    ["Token GK masuk2!!", ["token", "tidak", "masuk"]],
    ["forgot password", ["lupa", "password"]],
    ["code not received", ["kode", "tidak", "masuk"]],
    ["wrong email", ["salah", "email"]],
    ["gmn krn yg itu", []],
    ["My ASN", ["myasn"]],
    ["2FA", ["mfa"]],
    ["PPPK PW", ["pppk", "paruh", "waktu"]],
    ["tokennya", ["token"]],
    ["pwnya", ["password"]],
    // Javanese and Sundanese, and their possessive suffixes
    ["kesupen password", ["lupa", "password"]],
    ["token teu asup", ["token", "tidak", "masuk"]],
    ["tokene ora teko", ["token", "tidak", "masuk"]],
    ["kode durung mlebu", ["kode", "belum", "masuk"]],
    ["poho sandi", ["lupa", "password"]],
    ["piye carane", ["cara"]],
    ["pripun caranipun", ["cara"]],
    ["kumaha mfa na", ["mfa"]],
    ["hp kulo ical", ["ponsel", "hilang"]],
    ["email sing kadaftar", ["email", "daftar"]],
    // one way of writing a duration, and time-outs
    ["1x12 jam", ["12", "jam"]],
    ["1 × 12 jam", ["12", "jam"]],
    ["habis waktu", ["timeout"]],
    // a regional suffix is stripped only when what is left is a known word
    ["update", ["update"]],
    ["mobile", ["mobile"]],
  ])("%j → %j", (input, expected) => {
    expect(normalizeQuery(input)).toEqual(expected);
  });

  it("drops repeated terms in a query", () => {
    expect(normalizeQuery("token token TOKEN")).toEqual(["token"]);
  });
});

describe("stem", () => {
  it.each([
    ["mengirimkan", "kirim"],
    ["dikirim", "kirim"],
    ["pengiriman", "kirim"],
    ["ngirim", "kirim"],
    ["masukkan", "masuk"],
    ["dimasukin", "masuk"],
    ["memasukkan", "masuk"],
    ["menunggu", "tunggu"],
    ["diterima", "terima"],
    ["terdaftar", "daftar"],
    ["pendaftaran", "daftar"],
    ["pemutakhiran", "mutakhir"],
    ["diperbarui", "baru"],
    ["disetujui", "setuju"],
    ["menghubungi", "hubung"],
    ["mengganti", "ganti"],
    ["terkunci", "kunci"],
    ["kesalahan", "salah"],
    ["bertanya", "tanya"],
    ["mengaktifkan", "aktif"],
    ["tokennya", "token"],
    ["bukunyalah", "buku"],
    // exceptions and roots stay whole
    ["kirim", "kirim"],
    ["masuk", "masuk"],
    ["email", "email"],
    ["token", "token"],
    ["login", "login"],
    ["reset", "reset"],
    ["akun", "akun"],
    ["aktivasi", "aktivasi"],
    ["pertanyaan", "pertanyaan"],
    ["pesan", "pesan"],
    ["masalah", "masalah"],
    ["keluarga", "keluarga"],
    ["kepegawaian", "kepegawaian"],
    ["bulan", "bulan"],
  ])("%s → %s", (word, expected) => {
    expect(stem(word)).toBe(expected);
  });
});

describe("FAQ search", () => {
  it("satisfies FaqLookup", () => {
    const lookup: FaqLookup = index;
    expect(lookup.get("token-tidak-masuk")?.id).toBe("token-tidak-masuk");
    expect(lookup.get("tidak-ada")).toBeUndefined();
  });

  it.each([
    ["token gk masuk2 udah 3 jam", "token-tidak-masuk"],
    ["lupa pw asn digital", "lupa-password"],
    ["email tidak sesuai", "email-tidak-sesuai"],
    ["ganti hp, google authenticator hilang", "reset-mfa"],
    ["Invalid Authenticator Code", "invalid-authenticator-code"],
    ["syarat password berapa karakter", "syarat-password"],
    ["arti angka nip", "arti-digit-nip"],
    ["apa itu pdm", "apa-itu-pdm"],
    ["data saya disimpan?", "privasi-pandu"],
  ])("%j → %s", (q, id) => {
    const [top] = index.search(q);
    expect(top?.id).toBe(id);
  });

  it("returns at most `limit` hits, scores in 0..1, best first", () => {
    const hits = index.search("email token password mfa nip pdm", 5);
    expect(hits.length).toBeLessThanOrEqual(5);
    expect(hits.length).toBeGreaterThan(1);
    for (const [i, h] of hits.entries()) {
      expect(h.score).toBeGreaterThanOrEqual(0);
      expect(h.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(h.score).toBeLessThanOrEqual(hits[i - 1]!.score);
      if (i > 0) expect(h.confidence).toBe("low");
    }
  });

  it("is confident on a clear question and carries the flow link", () => {
    const [top] = index.search("kode otp dari google authenticator selalu invalid");
    expect(top?.id).toBe("invalid-authenticator-code");
    expect(top?.confidence).toBe("high");
    expect(top?.score).toBeGreaterThanOrEqual(FAQ_CONFIDENT);
    expect(top?.flow).toBe("mfa/mulai");
  });

  it.each(["xyzzy qwerty", "resep nasi goreng", "", "   ", "?!"])("no confident hit for %j", (q) => {
    expect(index.search(q).filter((h) => h.confidence === "high")).toEqual([]);
  });
});

describe("off-topic questions", () => {
  it.each([
    ["gaji ke 13 pppk paruh waktu", "luar-gaji"],
    ["tpp bulan ini belum cair", "luar-gaji"],
    ["cara mengajukan cuti tahunan", "luar-cuti"],
    ["akun facebook saya diblokir", "luar-akun-lain"],
  ])("%j gets the honest %s answer, confidently, first", (q, id) => {
    const [top] = index.search(q);
    expect(top?.id).toBe(id);
    expect(top?.confidence).toBe("high");
    expect(top?.offTopic).toBe(true);
    expect(top?.answer).toContain("di luar yang Pandu tahu");
  });

  it("never answers the on-topic neighbour of an off-topic question outright", () => {
    // Before the off-topic entries this was answered with the "kode 24" entry.
    const hits = index.search("gaji ke 13 pppk paruh waktu");
    expect(hits.filter((h) => h.confidence === "high").map((h) => h.id)).toEqual(["luar-gaji"]);
  });

  it("marks off-topic entries and gives every one of them a place to ask or a reason", () => {
    const off = entries.filter((e) => e.offTopic);
    expect(off.length).toBeGreaterThanOrEqual(5);
    for (const e of off) expect(e.answer, e.id).toMatch(/di luar yang Pandu tahu/);
  });
});

describe("FAQ evaluation floor", () => {
  it("keeps top-1 and top-3 accuracy on the labelled questions", async () => {
    const questions = await loadQuestions(QUESTIONS);
    expect(questions.length).toBeGreaterThanOrEqual(150);
    const result = evaluateFaq(index, questions);
    expect(result.unknownLabels).toEqual([]);
    expect(result.top1).toBeGreaterThanOrEqual(FLOOR_TOP1);
    expect(result.top3).toBeGreaterThanOrEqual(FLOOR_TOP3);
  });

  it("reaches the issue 16 goals on the new labelled set (written before the search changed)", async () => {
    const questions = await loadQuestions(QUESTIONS_NEW);
    expect(questions.length).toBeGreaterThanOrEqual(150);
    const result = evaluateFaq(index, questions);
    expect(result.unknownLabels).toEqual([]);
    expect(result.top1).toBeGreaterThanOrEqual(GOALS.newTop1);
    expect(result.top3).toBeGreaterThanOrEqual(GOALS.newTop3);
  });

  it("does not answer off-topic questions outright", async () => {
    const questions = await loadOffTopic(OFF_TOPIC);
    expect(questions.length).toBeGreaterThanOrEqual(50);
    const result = evaluateOffTopic(index, questions);
    expect(result.notAnswered).toBeGreaterThanOrEqual(GOALS.offTopicNotAnswered);
  });
});
