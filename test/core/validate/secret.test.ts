import { describe, expect, it } from "vitest";
import { looksLikeSecret } from "../../../src/core/validate/secret.ts";

describe("looksLikeSecret", () => {
  it.each([
    ["authenticator OTP", "482913"],
    ["OTP with surrounding space", "  482913\n"],
    ["OTP as the app displays it", "482 913"],
    ["OTP in fullwidth digits", "４８２９１３"],
    ["4-digit code", "4829"],
    ["5-digit code", "48291"],
    ["7-digit code", "4829137"],
    ["8-digit code", "48291375"],
    ["ASN Digital style password", "Rahasia#2025x"],
    ["MySAPK style password with symbol", "Kucing7!"],
    ["upper, lower, digit", "Password123"],
    ["leetspeak", "P@ssw0rd"],
    ["lower, digit, symbol", "budi_1986!"],
    ["symbol between letters still counts", "rahasia@Budi"],
    ["random token", "a8f3k2x9"],
    ["mixed-case token", "Xk29Lm03"],
    ["hex token", "3f9a2b7c1e"],
    ["long base64-ish token", "dGhpcyBpcyBhIHNlY3JldA9x"],
    ["password with dotted name", "Budi.Santoso1"],
  ])("true: %s", (_label, text) => {
    expect(looksLikeSecret(text)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["white space only", "   "],
    ["menu", "menu"],
    ["bantuan", "bantuan"],
    ["word with digit", "masuk2"],
    ["greeting", "halo"],
    ["two words", "kab bogor"],
    ["yes", "ya"],
    ["PPPK", "PPPK"],
    ["capitalised word", "Rahasia"],
    ["menu choice", "2"],
    ["three digits", "123"],
    ["NIP", "198609262015051001"],
    ["NIP with display spaces", "19860926 201505 1 001"],
    ["NIP with dots", "19860926.201505.1.001"],
    ["NIP with dashes", "19860926-201505-1-001"],
    ["9 digits", "123456789"],
    ["NIK (16 digits)", "3201012345678901"],
    ["phone number", "081234567890"],
    ["phone number with plus", "+6281234567890"],
    ["date", "26-09-1986"],
    ["email", "budi.santoso@gmail.com"],
    ["email with digits", "Budi1986@Yahoo.co.id"],
    ["URL", "https://asndigital.bkn.go.id/login?x=1"],
    ["host name", "asndigital.bkn.go.id"],
    ["www address", "www.bkn.go.id"],
    ["command", "/start"],
    ["command with argument", "/nip@PanduBot"],
    ["sentence with a code", "kode 482913 tidak masuk"],
    ["hyphenated place name", "Kab-Bogor"],
    ["name with apostrophe", "Ma'ruf"],
    ["place and year", "bogor2025"],
    ["agency code", "PPPK2024"],
    ["six symbols", "!!!!!!"],
  ])("false: %s", (_label, text) => {
    expect(looksLikeSecret(text)).toBe(false);
  });
});
