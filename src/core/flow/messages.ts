/** Texts the engine itself says (flows say the rest). Indonesian, short. */
export const MSG = {
  recovered: "Maaf, panduan ini baru saja diperbarui. Kita mulai lagi dari awal langkah ini ya.",
  staleButton: "Tombol itu dari langkah sebelumnya. Silakan lanjut dari pesan terakhir.",
  expiredButton: "Maaf, tombol itu sudah tidak berlaku. Ini langkah Anda sekarang:",
  unknownButton: "Tombol tidak dikenali.",
  cancelled: "Baik, dibatalkan. Data yang Anda isi di langkah tadi sudah dilupakan.",
  erased:
    "Data Anda di Pandu sudah dihapus (NIP, instansi, dan jawaban lain). Anda bisa mulai lagi kapan saja.",
  notUnderstood: "Maaf, saya belum paham. Silakan pilih salah satu tombol, atau ketik /bantuan.",
  chooseButton: "Silakan pilih salah satu tombol di bawah.",
  unsupported: "Maaf, saya hanya bisa membaca teks dan tombol. Silakan ketik jawaban Anda.",
  empty: "Pesannya kosong. Silakan ketik jawaban Anda.",
  tooLong: "Pesannya terlalu panjang. Mohon ketik jawaban singkat saja.",
  secretDeleted:
    "🔒 Pesan Anda saya hapus karena tampak seperti password, token, atau kode OTP. Jangan pernah mengirim password, token, atau OTP ke siapa pun, termasuk Pandu dan petugas.",
  passwordDeleted: "🔒 Pesan tadi sudah saya hapus dan tidak saya simpan.",
  passwordOk:
    "Contoh ini memenuhi semua aturan. Buat password asli Anda dengan pola seperti ini langsung di ASN Digital; jangan pernah mengetiknya di sini.",
  offerHelp:
    "Sepertinya ada kesulitan. Anda bisa membaca bantuan, bertanya ke petugas, atau kembali ke menu.",
  defaultHelp:
    "Pandu memandu aktivasi dan reset akun ASN Digital / MyASN / MySAPK.\n• Pilih tombol untuk menjawab.\n• /menu ke menu utama, /batal untuk membatalkan, /privasi untuk data yang disimpan.\n• Ketik pertanyaan Anda kapan saja.\n• Pandu tidak pernah meminta password, token, atau OTP.",
  instansiNone:
    "Instansi itu belum ketemu. Coba ketik dengan kata lain, mis. 'kab bogor', 'kota bandung', 'kemenag'.",
  instansiPick: "Pilih instansi Anda:",
  instansiRetype: "Tidak ada di daftar? Ketik ulang nama instansinya.",
  textInvalid: "Jawaban harus berupa teks 2 sampai 200 karakter.",
  nipInvalid: "NIP belum benar:",
  nipExample: "Contoh NIP: 19860926 201505 1 001 (18 angka; spasi, titik, dan tanda minus boleh).",
  emailInvalid: "Email belum benar:",
  emailSuggest: (s: string) => `Mungkin salah ketik. Maksud Anda ${s}? Silakan ketik ulang emailnya.`,
  faqAsk: 'Silakan ketik pertanyaan Anda, mis. "token tidak masuk" atau "syarat password".',
  faqUnsure: "Apakah maksud Anda salah satu ini?",
  faqNone:
    "Maaf, saya belum punya jawaban untuk pertanyaan itu. Pertanyaan Anda saya catat agar jawabannya ditambahkan. Anda juga bisa bertanya ke petugas.",
  faqHelpful: "👍 Membantu",
  faqNotHelpful: "👎 Belum",
  faqThanks: "Terima kasih atas masukannya.",
  faqStart: "▶️ Mulai panduannya",
  eraseOpenCase: (id: string) =>
    `Anda masih punya kasus #${id} yang terbuka. Batalkan dulu kasusnya (tombol "Batalkan kasus" di bawah), lalu ketik /hapusdata lagi.`,
  linkedInstansi: (name: string) =>
    `🏢 Anda membuka Pandu lewat tautan ${name}. Bila perlu menghubungi petugas, Pandu langsung memakai instansi ini.`,
  back: "⬅️ Kembali",
  menu: "🏠 Menu",
  human: "🙋 Tanya petugas",
  help: "❓ Bantuan",
} as const;
