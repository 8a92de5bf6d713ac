import { spawnSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runChat } from "../../src/adapters/terminal/chat.ts";
import { loadWorld } from "../../src/app/world.ts";

const JOURNEY = [
  "1", // 🔑 Aktivasi / lupa password
  "19860926 201505 1 00", // 17 digits: explained
  "198609262015051001",
  "1", // Ya, benar
  "1", // ASN Digital
  "1", // Sudah, lanjut (buka)
  "1", // Sudah, lanjut (reset)
  "1", // Email saya muncul
  "1", // Ya, saya klik Kirim
  "1", // Kode sudah masuk
  "Rahasia#2025x", // password candidate: deleted, never echoed
  "1", // Berhasil
  "1", // MFA aktif
  "1", // Data yang perlu diperbarui
  "2", // PPPK
];

describe("npm run chat with piped stdin", () => {
  it("walks the whole ASN Digital journey and exits at end of input", () => {
    const result = spawnSync("npx", ["tsx", "src/chat.ts"], {
      input: `${JOURNEY.join("\n")}\n`,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toContain("Pandu: Halo, saya Pandu");
    expect(out).toContain("  [1] 🔑 Aktivasi / lupa password");
    expect(out).toContain("17 digit");
    expect(out).toContain("PNS · lahir 26-09-1986 · TMT CPNS Mei 2015 · laki-laki · nomor urut 001");
    expect(out).toContain("Langkah 7 dari 7");
    expect(out).toContain("Anda: [pesan dihapus]");
    expect(out).toContain("Selamat, akun Anda sudah aktif");
    expect(out).toContain("Data yang diperbarui PPPK (5 data)");
    expect(out).not.toContain("Rahasia#2025x");
  });
});

describe("runChat", () => {
  it("maps a number to the numbered button and prints URL buttons as links", async () => {
    const world = await loadWorld();
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (c: Buffer) => {
      text += c.toString("utf8");
    });
    const done = runChat({ world, input, output, interactive: false, now: () => Date.UTC(2026, 10, 24) });
    input.end("1\n198609262015051001\n1\n1\n");
    await done;
    expect(text).toContain("Anda: [1] 🔑 Aktivasi / lupa password");
    expect(text).toContain("🔗 🌐 Buka ASN Digital: https://asndigital.bkn.go.id");
  });
});
