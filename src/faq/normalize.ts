/**
 * Indonesian text normalisation for the FAQ search (pure, no I/O).
 *
 * Pipeline for one text (query or indexed field):
 *   1. foldText: lower case, no diacritics, punctuation → spaces (src/text/fold.ts)
 *   2. PHRASES: multi-word expressions → one canonical form ("kata sandi" → "password")
 *   3. per token: reduplication ("masuk2" → "masuk"), SLANG / ENGLISH map
 *      ("gk" → "tidak", "forgot" → "lupa"), stopword removal, stem(), CANON synonyms
 *   4. consecutive duplicates dropped ("kata kata" → "kata")
 * `normalizeQuery` also drops repeated terms, so each query term counts once.
 */
import { foldText, tokens } from "../core/text/fold.ts";

// ---------------------------------------------------------------------------
// 1. Multi-word phrases (applied on folded text, whole words only)
// ---------------------------------------------------------------------------

/** Multi-word expressions rewritten before tokenising. Longer phrases win. */
// biome-ignore format: compact word tables, one group per line block
export const PHRASES: Readonly<Record<string, string>> = {
  // product names written apart
  "my sapk": "mysapk", "my asn": "myasn", "e kinerja": "ekinerja", "asn digtal": "asn digital",
  // password / email / login
  "kata sandi": "password", "kata kunci": "password", "e mail": "email", "log in": "login",
  "sign in": "login", "user id": "username", "user name": "username",
  // MFA and authenticator
  "two factor": "mfa", "2 fa": "mfa", "multi factor": "mfa", "google auth": "google authenticator",
  "google authentication": "google authenticator", "qr code": "qr", "kode qr": "qr", barcode: "qr",
  "device name": "nama perangkat",
  // NIP / PPPK
  "ni pppk": "nip pppk", "ni p3k": "nip pppk", "nomor induk pegawai": "nip", "nomor induk": "nip",
  "pppk pw": "pppk paruh waktu", "p3k pw": "pppk paruh waktu", "part time": "paruh waktu",
  parttime: "paruh waktu",
  // question shapes that carry meaning once "apa"/"untuk" are dropped
  "apa itu": "arti", "itu apa": "arti", "itu apaan": "arti", "tuh apa": "arti", "what is": "arti",
  "how to": "cara", "buat apa": "fungsi", "untuk apa": "fungsi", "minta tolong": "minta bantu",
  "not found": "tidak temu", "time out": "timeout", "habis waktu": "timeout", "waktu habis": "timeout",
  "session expired": "timeout", "sesi habis": "timeout", "request timeout": "timeout",
  // apps, places, people
  "play store": "playstore", "app store": "appstore", "call center": "telepon", "no reply": "noreply",
  "kantor regional": "kanreg", "step by step": "langkah", "first time": "pertama kali",
  "face recognition": "wajah", "not received": "tidak masuk", "not receive": "tidak masuk",
  "not arrived": "tidak masuk", "didn t receive": "tidak masuk", "not match": "tidak sesuai",
  "doesn t match": "tidak sesuai", "can t": "tidak bisa", "set up": "pasang", "privacy policy": "privasi",
};

// ---------------------------------------------------------------------------
// 2. Single-token maps: informal Indonesian and English → standard terms
// ---------------------------------------------------------------------------

/** Informal spellings and abbreviations (token → one or more standard words). */
// biome-ignore format: compact word tables, one group per line block
export const SLANG: Readonly<Record<string, string>> = {
  // negation
  gk: "tidak", ga: "tidak", gak: "tidak", gx: "tidak", g: "tidak", nggak: "tidak", ngga: "tidak",
  enggak: "tidak", engga: "tidak", tdk: "tidak", tak: "tidak", ndak: "tidak", kagak: "tidak",
  gaada: "tidak ada", gada: "tidak ada", ngak: "tidak", blm: "belum", blum: "belum", belom: "belum",
  blom: "belum", lom: "belum",
  // question words
  gmn: "bagaimana", gmna: "bagaimana", gimana: "bagaimana", gmana: "bagaimana", gimna: "bagaimana",
  bgmn: "bagaimana", bgm: "bagaimana", knp: "kenapa", napa: "kenapa", ngapa: "kenapa", dmn: "mana",
  dimana: "mana", kpn: "kapan", brp: "berapa", apaan: "apa",
  // connectives and particles
  krn: "karena", karna: "karena", yg: "yang", dg: "dengan", dgn: "dengan", utk: "untuk", untk: "untuk",
  tp: "tapi", tpi: "tapi", kl: "kalau", klo: "kalau", kalo: "kalau", klau: "kalau", ato: "atau", atw: "atau",
  dr: "dari", dri: "dari", sm: "sama", lg: "lagi", jd: "jadi", jdi: "jadi", trs: "terus", trus: "terus",
  aja: "saja", aj: "saja", sj: "saja", bgt: "banget", bngt: "banget", bs: "bisa", bsa: "bisa", hrs: "harus",
  pdhl: "padahal", pdahal: "padahal", sdh: "sudah", udh: "sudah", udah: "sudah", uda: "sudah", dah: "sudah",
  abis: "habis", tlg: "tolong", skrg: "sekarang", skrng: "sekarang", skr: "sekarang", ni: "ini", tu: "itu",
  asndigital: "asn digital", gitu: "begitu", gini: "begini",
  // pronouns and forms of address
  sy: "saya", aq: "aku", gw: "gue", gua: "gue", km: "kamu", kmu: "kamu", lu: "kamu", lo: "kamu",
  // verbs and adjectives (informal)
  tau: "tahu", liat: "lihat", bener: "benar", dapet: "dapat", dpt: "dapat", pake: "pakai", make: "pakai",
  gnti: "ganti", rubah: "ubah", ilang: "hilang", apus: "hapus", dateng: "datang", nyampe: "masuk",
  nyampai: "masuk", sampe: "sampai", ngecek: "cek", bikin: "buat", nyoba: "coba", kelar: "selesai",
  mentok: "macet", nyangkut: "macet", stuck: "macet", muter: "putar", dipake: "pakai", kepake: "pakai",
  // password
  pw: "password", pass: "password", passwd: "password", pwd: "password", pswd: "password", paswd: "password",
  pasword: "password", paswot: "password", passwort: "password", sandi: "password",
  katasandi: "password",
  // email
  imel: "email", surel: "email", emel: "email", emial: "email", emai: "email", mail: "email",
  gmail: "gmail email", yahoo: "yahoo email",
  // phone / devices
  hp: "ponsel", handphone: "ponsel", hape: "ponsel", henpon: "ponsel", gawai: "ponsel", smartphone: "ponsel",
  android: "ponsel", iphone: "ponsel", telp: "telepon", tlp: "telepon", telpon: "telepon", tlpn: "telepon",
  wa: "whatsapp", whatsap: "whatsapp", watsap: "whatsapp", no: "nomor", nmr: "nomor", pc: "komputer",
  // apps, accounts, web
  apk: "aplikasi", app: "aplikasi", apps: "aplikasi", aplikasinya: "aplikasi", web: "situs",
  website: "situs", laman: "situs", link: "situs", url: "situs", user: "username", usernam: "username",
  captca: "captcha", capcha: "captcha", chapta: "captcha", otentikator: "authenticator",
  autentikator: "authenticator", authenticatr: "authenticator", gauth: "authenticator", "2fa": "mfa",
  tfa: "mfa",
  // civil-service words
  p3k: "pppk", bkd: "bkpsdm", bkpp: "bkpsdm", bkpsdmd: "bkpsdm", bkppd: "bkpsdm", bkppsdm: "bkpsdm",
  kepeg: "kepegawaian", ig: "instagram", insta: "instagram", twiter: "twitter", medsos: "sosial",
  kp: "kenaikan pangkat", golru: "golongan ruang", aktifasi: "aktivasi", aktivsi: "aktivasi",
  verif: "verifikasi", verivikasi: "verifikasi", pemutakiran: "pemutakhiran", apdet: "update",
  updet: "update", upload: "unggah", aplod: "unggah", download: "unduh", donlod: "unduh", tutor: "cara",
  tutorial: "cara", panduan: "cara", petunjuk: "cara", selfie: "wajah",
};

/**
 * Javanese (ngoko and krama) and Sundanese words people type in Indonesian questions
 * ("kesupen password", "token teu asup", "piye carane") → standard Indonesian. Only words that
 * are not also common Indonesian words with another meaning ("medal", "urung", "enggal" are left
 * out). Possessive suffixes (-e, -ne, -na, -ipun) are handled in expand().
 */
// biome-ignore format: compact word tables, one group per line block
export const REGIONAL: Readonly<Record<string, string>> = {
  // negation, not yet
  ora: "tidak", mboten: "tidak", boten: "tidak", teu: "tidak", henteu: "tidak", durung: "belum",
  dereng: "belum", acan: "belum",
  // forgot, lost, found
  kesupen: "lupa", lali: "lupa", lalen: "lupa", poho: "lupa", hilap: "lupa", ical: "hilang",
  leungit: "hilang", ketemu: "temu", kapendak: "temu",
  // in, out, arrive
  mlebu: "masuk", mlebet: "masuk", lebet: "masuk", asup: "masuk", metu: "keluar", kaluar: "keluar",
  teko: "datang", tekan: "sampai", dugi: "sampai",
  // done, can, must, want, still
  wis: "sudah", uwis: "sudah", sampun: "sudah", parantos: "sudah", atos: "sudah", tos: "sudah",
  iso: "bisa", saged: "bisa", tiasa: "bisa", kudu: "harus", kedah: "harus", arep: "mau", bade: "mau",
  hoyong: "mau", keneh: "masih", isih: "masih", taksih: "masih", ono: "ada", onten: "ada",
  // question words
  piye: "bagaimana", kepiye: "bagaimana", pye: "bagaimana", pripun: "bagaimana", kumaha: "bagaimana",
  opo: "apa", nopo: "apa", menapa: "apa", naon: "apa", ngopo: "kenapa", kunaon: "kenapa", naha: "kenapa",
  endi: "mana", ngendi: "mana", pundi: "mana", ndi: "mana", piro: "berapa", pinten: "berapa",
  sabaraha: "berapa", iraha: "kapan",
  // pronouns, demonstratives, connectives
  kula: "saya", kulo: "saya", abdi: "saya", iki: "ini", ieu: "ini", kuwi: "itu", niku: "itu", eta: "itu",
  sing: "yang", nu: "yang", karo: "dengan", podo: "sama", padha: "sama", neng: "di", ning: "di", nang: "di",
  ka: "ke", nek: "kalau", mun: "kalau", lamun: "kalau", deui: "lagi",
  // verbs and adjectives
  anyar: "baru", nganggo: "pakai", ngangge: "pakai", gawe: "buat", damel: "buat", ngundhuh: "unduh",
  ngunduh: "unduh", mandeg: "macet", cocog: "cocok", daptar: "daftar", kadaftar: "terdaftar",
  kadaptar: "terdaftar", ngecekna: "cek",
  // particles and fillers (dropped)
  jarene: "", jare: "", cenah: "", wae: "", mawon: "", ae: "", nggih: "", injih: "", enggih: "",
  mangga: "", punten: "", nuhun: "", hatur: "", teh: "", mah: "", atuh: "", euy: "", e: "", na: "",
  ta: "", po: "", to: "",
};

/** English words common in the domain → Indonesian/domain terms. */
// biome-ignore format: compact word tables, one group per line block
export const ENGLISH: Readonly<Record<string, string>> = {
  forgot: "lupa", forget: "lupa", forgotten: "lupa", reset: "reset", recover: "reset", password: "password",
  email: "email", code: "kode", codes: "kode", token: "token", received: "masuk", receive: "masuk",
  arrive: "masuk", arrived: "masuk", send: "kirim", sent: "kirim", wrong: "salah", incorrect: "salah",
  error: "error", failed: "gagal", fail: "gagal", account: "akun", activate: "aktivasi",
  activation: "aktivasi", login: "login", logon: "login", change: "ganti", changed: "ganti", new: "baru",
  phone: "ponsel", lost: "hilang", deleted: "hapus", delete: "hapus", uninstall: "hapus",
  uninstalled: "hapus", locked: "kunci", blocked: "blokir", requirement: "syarat", requirements: "syarat",
  rule: "syarat", rules: "syarat", minimum: "minimal", characters: "karakter", character: "karakter",
  help: "bantu", contact: "hubung", number: "nomor", found: "temu", face: "wajah", document: "dokumen",
  documents: "dokumen", rejected: "tolak", approved: "setuju", verify: "verifikasi",
  verification: "verifikasi", mandatory: "wajib", required: "wajib", application: "aplikasi",
  computer: "komputer", maintenance: "pelihara", down: "gangguan", privacy: "privasi",
  deadline: "batas waktu", when: "kapan", where: "mana", step: "langkah", steps: "langkah", guide: "cara",
  install: "pasang", instal: "pasang", setup: "pasang", hours: "jam", hour: "jam", both: "dua", too: "juga",
  also: "juga", can: "bisa", cannot: "tidak bisa", cant: "tidak bisa", not: "tidak", nope: "tidak",
  what: "apa", how: "bagaimana", why: "kenapa", who: "siapa", which: "mana", is: "", are: "", the: "", a: "",
  an: "", i: "", me: "", my: "", do: "", does: "", did: "", to: "", of: "", for: "", in: "", on: "", at: "",
  with: "", and: "", or: "", it: "", this: "", that: "", now: "sekarang", should: "", use: "pakai",
  share: "bagi", already: "sudah", still: "masih", please: "tolong", pls: "tolong",
};

/**
 * Very common function words dropped from queries and documents (checked before and after
 * stemming). Content words that tell entries apart ("tidak", "sama", "lama", "kapan", "mana",
 * "masih", "kamu") are kept on purpose.
 */
// biome-ignore format: compact word tables, one group per line block
export const STOPWORDS: ReadonlySet<string> = new Set([
  // relatives, prepositions, conjunctions
  "yang", "di", "ke", "dari", "dan", "atau", "pada", "dalam", "oleh", "untuk", "dengan", "bagi", "tentang",
  "akan", "adalah", "ialah", "bahwa", "agar", "supaya", "jika", "kalau", "apabila", "ketika", "saat", "pas",
  "karena", "tapi", "tetapi", "namun", "serta", "juga", "lagi", "terus", "jadi", "maka", "lalu", "kemudian",
  "sehingga", "hingga", "setelah", "sebelum", "sejak", "sambil", "padahal", "sedangkan", "yaitu", "yakni",
  "seperti", "kayak", "kaya", "sebagai", "per", "antara",
  // pronouns and forms of address
  "saya", "aku", "gue", "ane", "anda", "dia", "kami", "kita", "mereka", "beliau", "kak", "kakak", "pak",
  "bapak", "bu", "ibu", "mas", "mbak", "gan", "bro", "sis", "om", "bang", "min", "mimin",
  // demonstratives and question words
  "ini", "itu", "tersebut", "begitu", "begini", "sini", "situ", "apa", "apakah", "bagaimana", "kenapa",
  "mengapa", "siapa", "berapa", "gimana", "ngapain",
  // auxiliaries and adverbs
  "sudah", "telah", "sedang", "lagi", "bisa", "dapat", "boleh", "harus", "mau", "ingin", "pengen", "pgn",
  "perlu", "saja", "hanya", "cuma", "cuman", "banget", "sangat", "pun", "semua", "setiap", "tiap", "para",
  "ada", "adakah", "habis", "tolong", "mohon", "please",
  // particles and greetings
  "ya", "yah", "yaa", "dong", "deh", "sih", "kok", "nih", "tuh", "lho", "loh", "kah", "lah", "toh", "nah",
  "kan", "nya", "www", "http", "https", "go", "id", "co", "com", "halo", "hai", "hi", "hello",
  "assalamualaikum", "selamat", "permisi", "maaf", "makasih", "thanks", "thx", "oke", "ok", "wkwk", "hehe",
  "he",
]);

/**
 * Synonyms applied after stemming: stem → canonical term shared by all its variants.
 * Keep this small; it also applies to the indexed FAQ text.
 */
export const CANON: Readonly<Record<string, string>> = {
  aktif: "aktivasi", // aktifkan, mengaktifkan, pengaktifan, diaktifkan
  ubah: "ganti", // ubah, mengubah, diubah
  rubah: "ganti", // rubah, merubah, perubahan (read as pe- + rubah)
  pindai: "scan", // memindai, dipindai
  datang: "masuk", // token belum datang
  kontak: "hubung", // kontak BKPSDM = hubungi BKPSDM
  maksud: "arti", // maksudnya apa = artinya apa
  macet: "tahan", // stuck / mentok / tertahan
};

// ---------------------------------------------------------------------------
// 3. Light Indonesian stemmer
// ---------------------------------------------------------------------------

/**
 * Known root words. A stripped candidate is accepted when it is in this list, which also
 * settles the nasal recoding of meN-/peN- ("mengirim" → "kirim", "menunggu" → "tunggu").
 * Words in the list are never stemmed themselves ("pesan", "masalah", "keluarga").
 */
// biome-ignore format: compact word tables, one group per line block
export const ROOTS: ReadonlySet<string> = new Set([
  // verbs: sending, receiving, reading, entering
  "kirim", "masuk", "terima", "datang", "sampai", "tunggu", "keluar", "luar", "buka", "tutup", "tampil",
  "muncul", "lihat", "baca", "ketik", "tulis", "salin", "tempel", "klik", "tekan", "pilih", "cari", "temu",
  "cek", "periksa", "isi", "coba", "ulang", "kembali", "pindah", "pindai", "scan", "bilang", "sebut",
  "tanya", "jawab", "lapor", "minta", "suruh",
  // account actions, states and qualities; civil-service nouns; words that only look affixed
  "aktif", "daftar", "lupa", "ingat", "ganti", "ubah", "rubah", "hapus", "hilang", "simpan", "atur",
  "pasang", "unduh", "unggah", "pakai", "guna", "buat", "kunci", "blokir", "tahan", "tolak", "setuju",
  "proses", "aju", "usul", "kenal", "tahu", "kasih", "beri", "bagi", "sebar", "tipu", "curi", "bocor",
  "aman", "jaga", "lindung", "rahasia", "hubung", "bantu", "tolong", "layan", "dukung", "kelola", "pelihara",
  "ganggu", "baik", "benar", "salah", "sesuai", "cocok", "beda", "sama", "gagal", "hasil", "lambat", "cepat",
  "lama", "baru", "valid", "masalah", "edar", "imbau", "mohon", "tentu", "syarat", "penuh", "lengkap",
  "siap", "kurang", "lebih", "kuat", "lemah", "panjang", "pendek", "besar", "kecil", "naik", "terang",
  "tugas", "laku", "terbit", "akhir", "umum", "banyak", "sering", "kali", "tampak", "catat", "nilai",
  "hitung", "putus", "henti", "tinggal", "ikut", "janji", "kontrak", "angkat", "tetap", "lahir", "urut",
  "kelamin", "maksud", "arti", "dasar", "ajar", "latih", "didik", "tinjau", "jabat", "golong", "harga",
  "jasa", "organisasi", "riwayat", "keluarga", "pegawai", "mutakhir", "verifikasi", "validasi", "aktivasi",
  "konfirmasi", "kerja", "wajib", "batas", "waktu", "mandiri", "sendiri", "pesan", "berkas", "berita",
  "perangkat", "pertama", "pernah", "permisi", "perlu", "terus", "telepon", "teliti", "sekarang", "selesai",
  "seleksi", "segera", "server", "sekali", "kemarin", "menu", "media", "madrasah", "dinas", "digit",
  "digital", "diri", "diklat", "bijak", "resmi", "asli", "palsu", "pulih", "pantau", "status", "sah",
  "tanda", "jelas", "bersih", "bisa", "kena", "dapat", "siar", "tempat", "alamat", "kantor", "mutasi",
  "pensiun", "rekam", "pengaruh", "sekolah", "sejarah", "tanggal", "langkah", "jumlah",
]);

/** Never stemmed: domain terms, loan words and English words that look affixed. */
// biome-ignore format: compact word tables, one group per line block
export const KEEP: ReadonlySet<string> = new Set([
  "email", "token", "login", "logout", "reset", "akun", "password", "username", "captcha", "kode",
  "authenticator", "aplikasi", "instansi", "informasi", "registrasi", "autentikasi", "otentikasi",
  "notifikasi", "myasn", "mysapk", "siasn", "sapk", "bkpsdm", "kepegawaian", "bkn", "pppk", "cpns", "casn",
  "nip", "mfa", "otp", "sso", "pdm", "kemenag", "ijazah", "transkrip", "kanreg", "helpdesk", "setting",
  "security", "selfie", "device", "pending", "terminal", "update", "ekinerja", "bantuan", "pertanyaan",
  "playstore", "appstore", "whatsapp", "instagram", "twitter", "telegram", "spam", "inbox", "noreply",
  "ponsel", "laptop", "komputer", "paruh", "privasi", "berapa", "sebelum", "setelah", "belum", "sesudah",
  "kenapa", "mengapa", "berlaku", "dengan", "pertama", "kantor",
]);

const VOWEL = /^[aiueo]/;

/** Every way `word` can be read as prefix(es) + stem, up to two prefix layers. */
function prefixReadings(word: string, depth: number, out: string[]): void {
  out.push(word);
  if (depth === 0 || word.length < 4) return;
  const next = (s: string) => {
    if (s.length >= 3) prefixReadings(s, depth - 1, out);
  };
  const rest = (n: number) => word.slice(n);
  const starts = (p: string) => word.startsWith(p);

  if (starts("di")) next(rest(2));
  if (starts("ke")) next(rest(2));
  if (starts("se")) next(rest(2));
  if (starts("ter")) next(rest(3));
  if (starts("ber")) next(rest(3));
  if (starts("be")) next(rest(2)); // bekerja, berapa-style r-roots
  if (starts("bel")) next(rest(3)); // belajar
  if (starts("per")) next(rest(3));
  for (const p of ["meng", "peng"]) {
    if (starts(p)) {
      const r = rest(4);
      next(r);
      if (VOWEL.test(r)) next(`k${r}`); // mengirim → kirim
    }
  }
  for (const p of ["meny", "peny"]) {
    if (starts(p) && VOWEL.test(rest(4))) next(`s${rest(4)}`); // menyimpan → simpan
  }
  for (const p of ["mem", "pem"]) {
    if (starts(p)) {
      const r = rest(3);
      if (VOWEL.test(r))
        next(`p${r}`); // memakai → pakai
      else next(r); // membuka → buka
    }
  }
  for (const p of ["men", "pen"]) {
    if (starts(p) && !starts(`${p}g`) && !starts(`${p}y`)) {
      const r = rest(3);
      if (VOWEL.test(r))
        next(`t${r}`); // menunggu → tunggu
      else next(r); // mendaftar → daftar
    }
  }
  for (const p of ["me", "pe"]) {
    if (starts(p) && /^(l|r|w|y|m|n)/.test(rest(2))) next(rest(2)); // melihat, memasukkan
  }
  // informal Jakarta-style nasal prefixes: ngirim, ngecek, nyoba, nunggu, mindahin
  if (starts("nge")) next(rest(3));
  if (starts("ng") && VOWEL.test(rest(2))) {
    next(rest(2));
    next(`k${rest(2)}`);
  }
  if (starts("ny") && VOWEL.test(rest(2))) {
    next(`s${rest(2)}`);
    next(`c${rest(2)}`);
  }
  if (/^n[aiueo]/.test(word)) next(`t${rest(1)}`);
  if (/^m[aiueo]/.test(word)) next(`p${rest(1)}`);
}

/** Forms of `word` without particles (-lah -kah -tah -pun) and possessives (-ku -mu -nya). */
function inflectionReadings(word: string): string[] {
  const out = [word];
  const particle = /(lah|kah|tah|pun)$/.exec(word);
  const base = particle && word.length - 3 >= 3 ? word.slice(0, -3) : undefined;
  if (base) out.push(base);
  for (const w of [...out]) {
    if (w.endsWith("nya") && w.length - 3 >= 3) out.push(w.slice(0, -3));
    else if (/(ku|mu)$/.test(w) && w.length - 2 >= 4) out.push(w.slice(0, -2));
  }
  return out;
}

/** Forms without a derivational suffix (-kan -an -i, informal -in). */
function suffixReadings(word: string): string[] {
  const out = [word];
  if (word.endsWith("kan") && word.length - 3 >= 3) out.push(word.slice(0, -3));
  if (word.endsWith("an") && word.length - 2 >= 3) out.push(word.slice(0, -2));
  if (word.endsWith("in") && word.length - 2 >= 3) out.push(word.slice(0, -2));
  if (word.endsWith("i") && word.length - 1 >= 3) out.push(word.slice(0, -1)); // only kept if a root
  return out;
}

/** Conservative rule-only stem for words whose root is not in ROOTS. */
function fallbackStem(word: string): string {
  let w = word;
  const strip = (re: RegExp, min: number) => {
    const m = re.exec(w);
    if (m && w.length - m[0].length >= min) w = w.slice(0, w.length - m[0].length);
  };
  strip(/(lah|kah|tah|pun)$/, 4);
  strip(/nya$/, 4);
  if (/kan$/.test(w)) strip(/kan$/, 4);
  else strip(/an$/, 4);
  const pre = (re: RegExp, recode = "") => {
    const m = re.exec(w);
    if (m && w.length - m[0].length + recode.length >= 4) {
      w = recode + w.slice(m[0].length);
      return true;
    }
    return false;
  };
  // first matching prefix only (the order matters: longest nasal forms first)
  if (pre(/^di/) || pre(/^ter/) || pre(/^ber/) || pre(/^per/)) return w;
  if (/^(meng|peng)/.test(w)) pre(/^(meng|peng)/);
  else if (/^(meny|peny)[aiueo]/.test(w)) pre(/^(meny|peny)/, "s");
  else if (/^(mem|pem)[aiueo]/.test(w)) pre(/^(mem|pem)/, "p");
  else if (/^(mem|pem)/.test(w)) pre(/^(mem|pem)/);
  else if (/^(men|pen)[aiueo]/.test(w)) pre(/^(men|pen)/, "t");
  else if (/^(men|pen)/.test(w)) pre(/^(men|pen)/);
  else if (/^(me|pe)(l|r|w|y|m|n)/.test(w)) pre(/^(me|pe)/);
  return w;
}

/**
 * Light Indonesian stemmer. Removes particles (-lah -kah -tah -pun), possessives (-ku -mu -nya),
 * derivational suffixes (-kan -an -i, informal -in) and prefixes (meng-/meny-/mem-/men-/me-, di-,
 * ber-/be-, ter-, peng-/pem-/pen-/pe-, per-, ke-, se-, informal ng-/ny-/nge-). A reading that
 * yields a known root (ROOTS) wins, the least stripped first; otherwise a conservative
 * rule-only fallback keeps at least 4 letters. KEEP words and short or non-alphabetic tokens
 * are returned unchanged.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word) || KEEP.has(word) || ROOTS.has(word)) return word;
  let best: string | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const inflected of inflectionReadings(word)) {
    if (KEEP.has(inflected) || ROOTS.has(inflected)) {
      const cost = word.length - inflected.length;
      if (cost < bestCost) [best, bestCost] = [inflected, cost];
      continue;
    }
    for (const bare of suffixReadings(inflected)) {
      const readings: string[] = [];
      prefixReadings(bare, 2, readings);
      for (const r of readings) {
        if (!ROOTS.has(r) && !KEEP.has(r)) continue;
        const cost = word.length - r.length;
        if (cost < bestCost) [best, bestCost] = [r, cost];
      }
    }
  }
  return best ?? fallbackStem(word);
}

// ---------------------------------------------------------------------------
// 4. The pipeline
// ---------------------------------------------------------------------------

const PHRASE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(${Object.keys(PHRASES)
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/ /g, " +"))
    .join("|")})(?![\\p{L}\\p{N}])`,
  "gu",
);

function mapWord(token: string): string | undefined {
  if (Object.hasOwn(SLANG, token)) return SLANG[token];
  if (Object.hasOwn(REGIONAL, token)) return REGIONAL[token];
  if (Object.hasOwn(ENGLISH, token)) return ENGLISH[token];
  return undefined;
}

/** Nouns that take a regional possessive suffix in questions ("carane", "nomere") besides ROOTS/KEEP. */
const SUFFIXED_NOUNS: ReadonlySet<string> = new Set(["cara", "nomer", "nomor", "data", "layar", "gambar"]);

/**
 * A word under a Javanese or Sundanese possessive suffix: "tokene" → token, "sandine" → sandi,
 * "carana" → cara, "caranipun" → cara. Only when what is left is a word Pandu knows.
 */
function regionalBase(token: string): string | undefined {
  for (const suffix of ["nipun", "ipun", "ne", "na", "e"]) {
    if (!token.endsWith(suffix) || token.length - suffix.length < 3) continue;
    const base = token.slice(0, -suffix.length);
    if (mapWord(base) !== undefined || KEEP.has(base) || ROOTS.has(base) || SUFFIXED_NOUNS.has(base))
      return base;
  }
  return undefined;
}

/** Token → replacement words (slang/English), looking through "-nya" ("pwnya" → password). */
function expand(token: string): string[] {
  // reduplication written with a 2: "masuk2" → masuk, "dua2nya" → duanya, "berkali2" → berkali
  const redup = /^([a-z]{2,})2([a-z]*)$/.exec(token);
  const t = redup ? `${redup[1]}${redup[2]}` : token;
  let mapped = mapWord(t);
  if (mapped === undefined && t.endsWith("nya") && t.length > 4) mapped = mapWord(t.slice(0, -3));
  if (mapped === undefined && !KEEP.has(t) && !ROOTS.has(t)) {
    const base = regionalBase(t);
    if (base !== undefined) mapped = mapWord(base) ?? base;
  }
  if (mapped === undefined) return [t];
  return mapped === "" ? [] : mapped.split(" ");
}

/** Normalises free text into search terms; keeps repeats (term frequency) for indexing. */
export function normalizeText(text: string): string[] {
  const folded = foldText(text)
    // "1×12 jam", "1x12 jam", "1 x 12 jam" are one way of writing "12 jam"
    .replace(/\b1 ?x? ?(\d{1,2}) jam\b/g, "$1 jam")
    .replace(/\b1x(\d{1,2})\b/g, "$1 jam")
    .replace(PHRASE_RE, (m) => PHRASES[m.replace(/ +/g, " ")] ?? m);
  const out: string[] = [];
  for (const token of tokens(folded)) {
    for (const word of expand(token)) {
      if (STOPWORDS.has(word)) continue;
      const s = stem(word);
      const term = CANON[s] ?? s;
      if (term.length === 0 || STOPWORDS.has(term)) continue;
      if (out[out.length - 1] === term) continue; // "kata kata", "berkali kali"
      out.push(term);
    }
  }
  return out;
}

/** Query terms: normalised, stopwords removed, each term once, in order of appearance. */
export function normalizeQuery(text: string): string[] {
  return [...new Set(normalizeText(text))];
}
