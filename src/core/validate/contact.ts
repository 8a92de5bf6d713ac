/**
 * The fields of an office's contact card, as its HR staff type them: each
 * checked and normalised, with the reason in Indonesian when it is wrong. Pure.
 */
import { parseEmail } from "./email.ts";

export const CONTACT_FIELDS = [
  "officeName",
  "address",
  "phone",
  "whatsapp",
  "email",
  "website",
  "hours",
  "note",
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const CONTACT_LABELS: Record<ContactField, string> = {
  officeName: "Nama kantor",
  address: "Alamat",
  phone: "Telepon",
  whatsapp: "WhatsApp",
  email: "Email",
  website: "Situs",
  hours: "Jam layanan",
  note: "Catatan",
};

/** What to type, shown when a field is being edited. */
export const CONTACT_HINTS: Record<ContactField, string> = {
  officeName: "nama resmi kantor, mis. BKPSDM Kabupaten Bogor",
  address: "alamat lengkap kantor, mis. Jl. Tegar Beriman No. 1, Cibinong",
  phone: "nomor telepon kantor, mis. (0251) 8123456 atau +62 251 8123456",
  whatsapp: "nomor WhatsApp layanan kantor (bukan nomor pribadi), mis. 0812-3456-7890",
  email: "email layanan kantor, mis. bkpsdm@bogorkab.go.id",
  website: "alamat situs yang diawali https://, mis. https://bkpsdm.bogorkab.go.id",
  hours: "hari dan jam layanan, mis. Senin–Jumat 08.00–15.00 WIB",
  note: "catatan singkat untuk pegawai, mis. bawa SK terakhir saat datang",
};

const LIMITS: Record<ContactField, number> = {
  officeName: 120,
  address: 300,
  phone: 20,
  whatsapp: 20,
  email: 254,
  website: 200,
  hours: 120,
  note: 300,
};

export type ContactCheck = { ok: true; value: string } | { ok: false; reason: string };

/** Indonesian numbers to +62…: "0251-8123456", "(0251) 8123456", "62 812…", "+62 812…". */
export function normalisePhone(raw: string): string | undefined {
  const compact = raw.replace(/[\s().\-/]/g, "");
  let national: string;
  if (/^\+62\d+$/.test(compact)) national = compact.slice(3);
  else if (/^62\d+$/.test(compact)) national = compact.slice(2);
  else if (/^0\d+$/.test(compact)) national = compact.slice(1);
  else return undefined;
  if (national.startsWith("0")) return undefined;
  // Landlines: area code 2–4 digits + 5–8 digits; mobiles: 8xx + 6–9 digits. 7 to 12 digits in all.
  if (national.length < 7 || national.length > 12) return undefined;
  return `+62${national}`;
}

/** Checks one field; `value` is what is stored (normalised). */
export function checkContactField(field: ContactField, input: string): ContactCheck {
  const text = input.normalize("NFKC").replace(/\s+/g, " ").trim();
  if (text.length === 0) return { ok: false, reason: "Isinya kosong." };
  if (/[\p{Cc}\p{Cf}]/u.test(text)) return { ok: false, reason: "Ada karakter yang tidak bisa dipakai." };
  if (text.length > LIMITS[field])
    return {
      ok: false,
      reason: `Terlalu panjang: paling banyak ${LIMITS[field]} karakter (sekarang ${text.length}).`,
    };
  switch (field) {
    case "phone": {
      const phone = normalisePhone(text);
      if (phone === undefined)
        return {
          ok: false,
          reason:
            "Nomor telepon belum benar. Tulis nomor Indonesia, mis. (0251) 8123456 atau +62 251 8123456.",
        };
      return { ok: true, value: phone };
    }
    case "whatsapp": {
      const phone = normalisePhone(text);
      if (phone === undefined || !phone.startsWith("+628"))
        return {
          ok: false,
          reason: "Nomor WhatsApp harus nomor seluler Indonesia (diawali 08 atau +628), mis. 0812-3456-7890.",
        };
      return { ok: true, value: phone };
    }
    case "email": {
      const email = parseEmail(text);
      if (!email.ok) return { ok: false, reason: `Email belum benar: ${email.message}` };
      if (email.suggestion !== undefined)
        return { ok: false, reason: `Mungkin salah ketik: ${email.suggestion}?` };
      return { ok: true, value: email.value };
    }
    case "website": {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        return {
          ok: false,
          reason:
            "Alamat situs belum benar. Tulis lengkap dengan https://, mis. https://bkpsdm.bogorkab.go.id",
        };
      }
      if (url.protocol !== "https:") return { ok: false, reason: "Hanya situs https:// yang bisa dipasang." };
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(url.hostname) || url.username !== "" || url.password !== "")
        return { ok: false, reason: "Nama situsnya belum benar." };
      return { ok: true, value: url.toString() };
    }
    default:
      if (/https?:\/\//i.test(text) && field !== "note")
        return {
          ok: false,
          reason: `Tautan tidak bisa dipasang di ${CONTACT_LABELS[field]}; pakai kolom Situs.`,
        };
      return { ok: true, value: text };
  }
}
