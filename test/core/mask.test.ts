/**
 * Issue 13, item 3: what an FAQ gap keeps of a question. Only what the FAQ
 * needs: format characters removed, every number of 4+ digits (or a longer
 * number typed in pieces) masked, emails, phone numbers and links with their
 * personal parts masked, and the words after a name cue.
 */
import { describe, expect, it } from "vitest";
import { maskQuestion } from "../../src/core/mask.ts";

describe("maskQuestion", () => {
  it.each([
    ["NIP in one piece", "nip 198609262015051001 kok ditolak", "nip •••••••••••••••••• kok ditolak"],
    ["NIP with spaces", "NIP 19860926 201505 1 001 ditolak", "NIP •••••••• •••••• • ••• ditolak"],
    ["NIP split by commas", "nip 19860926,201505,1,001 ditolak", "nip ••••••••,••••••,•,••• ditolak"],
    ["NIP split by dots", "nip 19860926.201505.1.001?", "nip ••••••••.••••••.•.•••?"],
    [
      "NIP with zero-width spaces",
      "nip 1\u200b9\u200b8\u200b6\u200b0926201505 1001",
      "nip •••••••••••••• ••••",
    ],
    ["NIP digit by digit", "nip 1 9 8 6 0 9 2 6 2 0 1 5 0 5 1 0 0 1", `nip ${"• ".repeat(17)}•`],
    ["NIP in Arabic-Indic digits", "nip ١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", "nip ••••••••••••••••••"],
    ["phone number", "wa saya 081234567890 ya", "wa saya •••••••••••• ya"],
    ["phone number with +62 and dashes", "hp +62 812-3456-7890", "hp +•• •••-••••-••••"],
    ["a year: every group of 4+ digits", "cpns tahun 2024 kapan aktivasi", "cpns tahun •••• kapan aktivasi"],
    ["an email: the local part", "email budi.santoso86@gmail.com salah", "email •••@gmail.com salah"],
    [
      "a link: the path and query",
      "buka https://asndigital.bkn.go.id/profil/budi?x=1 error",
      "buka https://asndigital.bkn.go.id/••• error",
    ],
    [
      "nama saya …",
      "nama saya Budi Santoso, kenapa token tidak masuk?",
      "nama saya [nama], kenapa token tidak masuk?",
    ],
    ["saya … dari …", "saya budi santoso dari kab bogor mau tanya", "saya [nama] dari kab bogor mau tanya"],
    ["saya bernama …", "halo saya bernama Siti Aminah guru SD", "halo saya bernama [nama] guru SD"],
    ["atas nama …", "akun atas nama Rudi Hartono terkunci", "akun atas nama [nama] terkunci"],
    ["nama: …", "Nama: Dewi Lestari. Token tidak masuk", "Nama: [nama]. Token tidak masuk"],
    ["a.n. …", "kartu a.n. Budi Santoso hilang", "kartu a.n. [nama] hilang"],
    ["nama + a capital", "ganti nama Budi jadi apa", "ganti nama [nama] jadi apa"],
    ["pak …", "kata pak agus harus ke bkd", "kata pak [nama] harus ke bkd"],
    ["ini … dari …", "halo ini rina dari dinas pendidikan", "halo ini [nama] dari dinas pendidikan"],
  ])("%s", (_label, input, expected) => {
    expect(maskQuestion(input)).toBe(expected);
  });

  it.each([
    ["an ordinary question", "kenapa token tidak masuk ke email saya?"],
    ["saya + a verb", "saya lupa password asn digital"],
    ["saya + not", "saya tidak bisa login dari hp"],
    ["numbers under 4 digits", "sudah 3 kali coba, kode 24 di nip artinya apa"],
    ["an FAQ phrase", "muncul Ooops operasi gagal data not found in auth bkn"],
    ["pak + a common word", "pak, mohon bantuannya"],
    ["nama + a common noun", "nama instansi saya salah di siasn"],
  ])("keeps: %s", (_label, input) => {
    expect(maskQuestion(input)).toBe(input);
  });

  it("is idempotent", () => {
    const once = maskQuestion(
      "nama saya Budi, nip 198609262015051001, email budi@gmail.com, hp 0812 3456 7890",
    );
    expect(maskQuestion(once)).toBe(once);
    expect(once).not.toMatch(/\d{4}/);
    expect(once).not.toContain("Budi");
  });
});
