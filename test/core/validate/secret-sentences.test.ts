/**
 * Issue 13, item 2: the secret check on free text, measured on labelled
 * sentences (see scripts/eval-secrets.ts for the sources; `npm run eval:secrets`
 * prints the numbers and every miss).
 */
import { describe, expect, it } from "vitest";
import { evaluateSecrets, loadSecretCorpus } from "../../../scripts/eval-secrets.ts";
import { findSecret, holdsSecret } from "../../../src/core/validate/secret.ts";

describe("secrets inside sentences: labelled corpus", () => {
  const corpus = loadSecretCorpus();
  const result = evaluateSecrets(corpus);

  it("has enough of both kinds, from every source", () => {
    expect(result.secrets).toBeGreaterThanOrEqual(100);
    expect(result.notSecrets).toBeGreaterThanOrEqual(400);
    for (const source of ["corpus", "holdout", "faq", "transcript"])
      expect(corpus.some((s) => s.source === source)).toBe(true);
  });

  it("misses at most 2 % of the secrets (false negatives)", () => {
    expect(result.falseNegatives.map((s) => s.text)).toHaveLength(
      Math.min(result.falseNegatives.length, Math.floor(result.secrets * 0.02)),
    );
  });

  it("flags at most 1 % of the ordinary sentences (false positives), none of the FAQ questions or transcripts", () => {
    expect(result.falsePositives.map((s) => s.text)).toHaveLength(
      Math.min(result.falsePositives.length, Math.floor(result.notSecrets * 0.01)),
    );
    expect(result.falsePositives.filter((s) => s.source === "faq" || s.source === "transcript")).toEqual([]);
  });
});

describe("findSecret: what kind, and the rules one by one", () => {
  it.each([
    ["a password-like word", "password baru saya Rahasia#2026x ditolak", "password"],
    ["letters and digits after 'password'", "passwordku abc12345 salah", "password"],
    ["a code near 'kode OTP'", "kode OTP 483920 dari email", "code"],
    ["a code before its word", "483920 itu kode otp saya", "code"],
    ["a code typed apart", "kode verifikasi 612 904", "code"],
    ["a code glued to its word", "otp483920", "code"],
    ["a code after a label", "OTP:483920", "code"],
    ["a year right after the word", "kode OTP 2024", "code"],
    ["digits of another script", "kode otp ١٢٣٤٥٦", "code"],
    ["a zero-width space inside", "Rahasia\u200b#2026x ditolak", "password"],
    ["a reset link with its token", "https://asndigital.bkn.go.id/reset?token=9f8e7d6c5b4a", "link"],
  ])("%s", (_label, text, kind) => {
    expect(findSecret(text)).toBe(kind);
  });

  it.each([
    ["an error code", "apa arti kode 24 di nip saya?"],
    ["a 4-digit error code without a code word", "kode error 4031 muncul terus"],
    ["a postal code", "kode pos 16911"],
    ["a year far from the word", "reset mfa sejak 2024 belum bisa"],
    ["a time", "token belum masuk dari jam 1030"],
    ["a duration", "saya sudah menunggu 1440 menit untuk token"],
    ["a NIP near 'kode'", "kode NIP saya 19860926 201505 1 001"],
    ["a labelled NIP", "NIP:198609262015051001"],
    ["a document number", "SK nomor 800/1234/BKPSDM/2024"],
    ["a rank", "pangkat Penata Muda Tk.I/III-b"],
    ["a repeated word after 'password'", "salah password berkali2"],
    ["a login link", "link nya https://asndigital.bkn.go.id/login kan?"],
    ["an email", "email saya budi.santoso1986@gmail.com"],
    ["AUTH BKN", "Data not found in AUTH BKN"],
  ])("none: %s", (_label, text) => {
    expect(findSecret(text)).toBeUndefined();
    expect(holdsSecret(text)).toBe(false);
  });

  it("holdsSecret also takes a bare secret (the whole message)", () => {
    expect(holdsSecret("482913")).toBe(true);
    expect(holdsSecret("482 913")).toBe(true);
    expect(holdsSecret("Xk29Lm03")).toBe(true);
    expect(holdsSecret("halo")).toBe(false);
  });
});
