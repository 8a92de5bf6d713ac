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

describe("npm run chat: the HR desk loop on one machine", () => {
  it("opens a case, switches to /hr to claim, answer and resolve, then rates and returns to the reset step", () => {
    const lines = [
      "2", // Email salah
      "2", // terdaftar salah
      "198609262015051001",
      "Budi Santoso",
      "1", // email lama: Tidak tahu
      "budi.baru@gmail.com",
      "kab bogor",
      "1", // Kabupaten Bogor
      "1", // Kirim ke petugas
      "Tolong dibantu ya",
      "/hr",
      "kasus",
      "ambil 1",
      "balas 1 Email sudah kami ganti, silakan coba lagi",
      "selesai 1",
      "statistik",
      "/user",
      "5", // 5 ⭐
      "Mantap",
      "1", // Coba reset password lagi
    ];
    const result = spawnSync("npx", ["tsx", "src/chat.ts"], {
      input: `${lines.join("\n")}\n`,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const out = result.stdout;
    // The terminal has one desk, the central one: the user is told the truth about where the case went,
    // and that it arrived once it did.
    expect(out).toContain("📨 Kasus #1 sudah dibuat. Petugas instansi Anda belum bisa dihubungi lewat Pandu");
    expect(out).toContain("meja petugas pusat Pandu");
    expect(out).toContain("Pandu: ✓ Kasus #1 sudah sampai di grup petugas.");
    expect(out).toContain("[Meja HR] 💬 Pesan pengguna · kasus #1\nTolong dibantu ya");
    expect(out).toContain("#1 · Perbaikan email akun · Kabupaten Bogor · menunggu petugas");
    expect(out).toContain("(Kasus #1 sudah Anda ambil.)");
    expect(out).toContain("Pandu: 💬 Petugas · kasus #1\nEmail sudah kami ganti, silakan coba lagi");
    expect(out).toContain("Pandu: ✅ Kasus #1 sudah diselesaikan petugas");
    expect(out).toContain("Kepuasan: -");
    expect(out).toContain("Terima kasih 🙏");
    expect(out.trimEnd().split("\n").slice(-4)[0]).toContain("Langkah 2 dari 7");
  });
});
