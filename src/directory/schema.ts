/**
 * Schemas of the curated directory file (flows/data/instansi.yaml) and the
 * resolved directory entry (`Instansi`). The YAML is edited by hand by HR
 * staff, so every object is strict (a typo in a key is an error, not ignored)
 * and every field carries a description.
 */
import { z } from "zod";

/** Kemendagri code of a province ("32") or kab/kota ("32.01"). */
export const REGION_CODE = /^\d{2}(\.\d{2})?$/;
/** Id of a central agency: lowercase kebab ("kemenag", "kemenko-pmk"). */
export const CENTRAL_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const text = (what: string) => z.string().trim().min(1, `${what} tidak boleh kosong`);

export const ContactSchema = z
  .strictObject({
    email: z.email("email tidak valid").optional().describe("Email resmi unit kepegawaian."),
    phone: z
      .string()
      .trim()
      .regex(
        /^\+?[0-9][0-9 ()-]{5,}$/,
        "nomor telepon hanya boleh berisi angka, spasi, (, ), - dan + di depan",
      )
      .optional()
      .describe("Telepon kantor resmi (bukan nomor pribadi pegawai)."),
    website: z
      .string()
      .trim()
      .regex(/^(https?:\/\/)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i, "alamat situs tidak valid")
      .optional()
      .describe("Situs resmi unit kepegawaian, mis. bkpsdm.xxx.go.id."),
    address: text("alamat").optional().describe("Alamat kantor."),
    helpdesk: text("helpdesk").optional().describe("Kanal helpdesk resmi (tautan atau nama layanan)."),
    source: text("sumber").describe(
      "Asal data kontak (situs, surat, berita, konfirmasi langsung) dan kapan dicek. Wajib: Pandu tidak pernah menampilkan kontak tanpa sumber.",
    ),
  })
  .refine((c) => c.email || c.phone || c.website || c.address || c.helpdesk, {
    message: "contact harus berisi minimal satu dari email, phone, website, address, helpdesk",
  })
  .describe("Kontak unit kepegawaian yang sudah dipastikan benar.");
export type Contact = z.infer<typeof ContactSchema>;

const aliasList = z
  .array(text("alias"))
  .default([])
  .describe("Singkatan/sebutan lain yang diketik pengguna (huruf besar/kecil tidak berpengaruh).");

export const CentralSchema = z
  .strictObject({
    id: z
      .string()
      .regex(CENTRAL_ID, "id harus huruf kecil/angka dengan tanda hubung, mis. kemenko-pmk")
      .describe("Id tetap (huruf kecil, tanda hubung). Jangan diubah setelah dipakai."),
    name: text("name").describe("Nama resmi instansi."),
    kind: z.enum(["kementerian", "lembaga"]).describe("Jenis instansi pusat."),
    hrUnit: text("hrUnit").describe("Nama unit kepegawaian (Biro SDM / Kepegawaian …)."),
    hrUnitVerified: z
      .boolean()
      .default(false)
      .describe("true hanya kalau nama unit kepegawaian sudah dipastikan."),
    aliases: aliasList,
    contact: ContactSchema.optional(),
    note: text("note").optional().describe("Catatan untuk pengguna; tampil di kartu kontak."),
  })
  .describe("Instansi pusat (kementerian/lembaga).");
export type CentralInput = z.input<typeof CentralSchema>;
export type Central = z.infer<typeof CentralSchema>;

export const RegionalOverrideSchema = z
  .strictObject({
    name: text("name").optional().describe("Nama tampilan pengganti nama dari idn-area-data."),
    hrUnit: text("hrUnit").optional().describe("Nama unit kepegawaian yang sudah diketahui."),
    hrUnitVerified: z.boolean().optional().describe("true kalau nama unit kepegawaian sudah dipastikan."),
    aliases: z.array(text("alias")).optional().describe("Sebutan lain untuk wilayah ini."),
    contact: ContactSchema.optional(),
    note: text("note").optional().describe("Catatan untuk pengguna; tampil di kartu kontak."),
    mapsTo: z
      .string()
      .regex(REGION_CODE, 'mapsTo harus kode wilayah, mis. "31"')
      .optional()
      .describe(
        "Kode wilayah yang unit kepegawaiannya melayani wilayah ini (mis. kota administrasi DKI → 31).",
      ),
  })
  .describe("Tambahan/koreksi untuk satu provinsi atau kabupaten/kota.");
export type RegionalOverride = z.infer<typeof RegionalOverrideSchema>;

export const InstansiFileSchema = z
  .strictObject({
    central: z.array(CentralSchema).describe("Instansi pusat."),
    regional: z
      .record(
        z.string().regex(REGION_CODE, 'kunci harus kode wilayah dalam tanda kutip, mis. "32.01"'),
        RegionalOverrideSchema,
      )
      .default({})
      .describe("Tambahan/koreksi per kode wilayah Kemendagri."),
    aliases: z
      .record(text("alias"), z.string())
      .default({})
      .describe('Singkatan wilayah dan kata jenis → penggantinya; "" berarti kata diabaikan.'),
  })
  .describe("Direktori instansi Pandu (flows/data/instansi.yaml).");
export type InstansiFile = z.infer<typeof InstansiFileSchema>;

export const INSTANSI_KINDS = ["provinsi", "kabupaten", "kota", "kementerian", "lembaga"] as const;
export type InstansiKind = (typeof INSTANSI_KINDS)[number];

/** A resolved directory entry: area data merged with the curated file. */
export const InstansiSchema = z.strictObject({
  id: z.string().min(1).describe('"32.01", "32" or "kemenag".'),
  name: z.string().min(1).describe('Display name: "Kabupaten Bogor".'),
  kind: z.enum(INSTANSI_KINDS),
  provinceId: z.string().optional().describe("Province code of a kab/kota."),
  hrUnit: z.string().min(1),
  hrUnitVerified: z.boolean(),
  aliases: z.array(z.string()),
  contact: z
    .strictObject({
      email: z.string().optional(),
      phone: z.string().optional(),
      website: z.string().optional(),
      address: z.string().optional(),
      helpdesk: z.string().optional(),
      source: z.string().optional(),
    })
    .optional(),
  note: z.string().optional(),
  mapsTo: z.string().optional().describe("Id of the entry whose HR office serves this one."),
});
export type Instansi = z.infer<typeof InstansiSchema>;
