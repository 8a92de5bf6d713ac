import { describe, expect, it } from "vitest";
import { parseEmail } from "../../../src/core/validate/email.ts";

/** "budi@aaa….bbb….ccc….ddd….id" with valid labels (≤ 63) and the given total length. */
function emailOfLength(total: number): string {
  const label = (ch: string) => ch.repeat(63);
  return `budi@${label("a")}.${label("b")}.${label("c")}.${"d".repeat(total - 5 - 64 * 3 - 3)}.id`;
}

describe("parseEmail: accepted", () => {
  it.each([
    ["plain gmail", "budi.santoso@gmail.com", "budi.santoso@gmail.com"],
    ["trimmed and lower-cased", "  Budi.Santoso@Gmail.COM \n", "budi.santoso@gmail.com"],
    ["yahoo.co.id", "siti_aminah88@yahoo.co.id", "siti_aminah88@yahoo.co.id"],
    ["instansi domain", "198609262015051001@kemenag.go.id", "198609262015051001@kemenag.go.id"],
    ["plus tag", "budi+asn@outlook.com", "budi+asn@outlook.com"],
    ["hyphenated subdomain", "bkpsdm@bkpsdm.bontang-kota.go.id", "bkpsdm@bkpsdm.bontang-kota.go.id"],
    ["fullwidth @ from a phone keyboard", "budi＠gmail.com", "budi@gmail.com"],
    ["final full stop of a sentence", "budi@gmail.com.", "budi@gmail.com"],
    ["real provider near gmail", "budi@mail.com", "budi@mail.com"],
    ["ymail is not a typo of gmail", "budi@ymail.com", "budi@ymail.com"],
    ["other real yahoo domain", "taro@yahoo.co.jp", "taro@yahoo.co.jp"],
  ])("%s", (_label, input, value) => {
    expect(parseEmail(input)).toEqual({ ok: true, value });
  });
});

describe("parseEmail: typo suggestions", () => {
  it.each([
    ["gmail.con", "budi@gmail.con", "budi@gmail.con", "budi@gmail.com"],
    ["gmial.com (swap)", "budi@gmial.com", "budi@gmial.com", "budi@gmail.com"],
    ["gamil.com (swap)", "budi@gamil.com", "budi@gamil.com", "budi@gmail.com"],
    ["gmai.com", "budi@gmai.com", "budi@gmai.com", "budi@gmail.com"],
    ["gmail.co", "budi@gmail.co", "budi@gmail.co", "budi@gmail.com"],
    ["gmal.con (two edits)", "budi@gmal.con", "budi@gmal.con", "budi@gmail.com"],
    ["yahoo.co", "siti@yahoo.co", "siti@yahoo.co", "siti@yahoo.com"],
    ["yaho.com", "siti@yaho.com", "siti@yaho.com", "siti@yahoo.com"],
    ["yahoo.co.di", "siti@yahoo.co.di", "siti@yahoo.co.di", "siti@yahoo.co.id"],
    ["yahoo.com.id", "siti@yahoo.com.id", "siti@yahoo.com.id", "siti@yahoo.co.id"],
    ["hotmial.com", "andi@hotmial.com", "andi@hotmial.com", "andi@hotmail.com"],
    ["outlok.com", "andi@outlok.com", "andi@outlok.com", "andi@outlook.com"],
    ["icloud.co", "andi@icloud.co", "andi@icloud.co", "andi@icloud.com"],
    ["ymail.con", "andi@ymail.con", "andi@ymail.con", "andi@ymail.com"],
    ["upper case typo", "Budi@GMAIL.CON", "budi@gmail.con", "budi@gmail.com"],
  ])("%s", (_label, input, value, suggestion) => {
    expect(parseEmail(input)).toEqual({ ok: true, value, suggestion });
  });

  it.each([
    ["government domain", "budi@bkn.go.id"],
    ["university domain", "budi@ui.ac.id"],
    ["exact gmail", "budi@gmail.com"],
    ["exact icloud", "budi@icloud.com"],
    ["live.com", "budi@live.com"],
  ])("no suggestion for %s", (_label, input) => {
    const result = parseEmail(input);
    expect(result.ok).toBe(true);
    expect(result).not.toHaveProperty("suggestion");
  });
});

describe("parseEmail: rejected", () => {
  it.each([
    ["empty", "", "empty", "Alamat email belum diisi."],
    ["only spaces", "   ", "empty", "Alamat email belum diisi."],
    ["no @", "budi.gmail.com", "no-at", "Alamat email harus memuat satu tanda @."],
    ["two @", "budi@@gmail.com", "many-at", "Alamat email hanya boleh memuat satu tanda @."],
    ["two addresses", "budi@gmail.com@yahoo.com", "many-at", "Alamat email hanya boleh memuat satu tanda @."],
    ["space inside", "budi santoso@gmail.com", "space", "Email tidak boleh berisi spasi."],
    ["space around @", "budi @gmail.com", "space", "Email tidak boleh berisi spasi."],
    ["NBSP inside", "budi\u00a0s@gmail.com", "space", "Email tidak boleh berisi spasi."],
    ["nothing before @", "@gmail.com", "local", "Bagian sebelum @ masih kosong, mis. nama@gmail.com."],
    [
      "comma in local part",
      "budi,s@gmail.com",
      "local",
      'Bagian sebelum @ berisi karakter yang tidak boleh: ",".',
    ],
    [
      "leading dot",
      ".budi@gmail.com",
      "local",
      "Bagian sebelum @ tidak boleh diawali/diakhiri titik atau berisi dua titik berurutan.",
    ],
    [
      "double dot",
      "budi..s@gmail.com",
      "local",
      "Bagian sebelum @ tidak boleh diawali/diakhiri titik atau berisi dua titik berurutan.",
    ],
    [
      "local part over 64",
      `${"a".repeat(65)}@gmail.com`,
      "local",
      "Bagian sebelum @ terlalu panjang (maksimal 64 karakter).",
    ],
    ["nothing after @", "budi@", "domain", "Bagian setelah @ harus nama domain, mis. gmail.com."],
    ["no dot in domain", "budi@gmail", "domain", "Bagian setelah @ harus nama domain, mis. gmail.com."],
    [
      "missing dot before com",
      "budi@gmailcom",
      "domain",
      "Bagian setelah @ harus nama domain, mis. gmail.com.",
    ],
    ["empty label", "budi@gmail..com", "domain", "Bagian setelah @ harus nama domain, mis. gmail.com."],
    ["numeric top-level", "budi@10.0.0.1", "domain", "Bagian setelah @ harus nama domain, mis. gmail.com."],
    [
      "underscore in domain",
      "budi@g_mail.com",
      "domain",
      "Bagian setelah @ harus nama domain, mis. gmail.com.",
    ],
    [
      "label ends with hyphen",
      "budi@gmail-.com",
      "domain",
      "Bagian setelah @ harus nama domain, mis. gmail.com.",
    ],
    [
      "over 254 characters",
      emailOfLength(255),
      "too-long",
      "Alamat email terlalu panjang (maksimal 254 karakter).",
    ],
  ])("%s", (_label, input, code, message) => {
    expect(parseEmail(input)).toEqual({ ok: false, code, message });
  });

  it("accepts exactly 254 characters", () => {
    const email = emailOfLength(254);
    expect(email).toHaveLength(254);
    expect(parseEmail(email)).toEqual({ ok: true, value: email });
  });
});

describe("emailOfLength helper", () => {
  it.each([
    ["254", 254],
    ["255", 255],
  ])("builds %s characters", (_label, n) => {
    expect(emailOfLength(n)).toHaveLength(n);
  });
});
