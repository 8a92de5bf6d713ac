/**
 * A printable poster for an office: its name and a QR code of its Pandu start
 * link (qrcode), drawn as SVG and rendered to PNG (resvg, with the system's
 * fonts: DejaVu Sans on Debian; the Docker image installs fonts-dejavu-core).
 */
import { Resvg } from "@resvg/resvg-js";
import QRCode from "qrcode";
import { escapeMarkup } from "../core/text/text.ts";

export interface PosterOptions {
  /** The start link, e.g. https://t.me/PanduBot?start=i-32_01 */
  link: string;
  /** The office as users know it, e.g. "Kabupaten Bogor". */
  office: string;
}

const WIDTH = 1240;
const HEIGHT = 1754;

/** Splits a long name over lines of about `max` characters. */
function lines(text: string, max: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + word.length + 1 > max) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) out.push(line);
  return out.slice(0, 3);
}

/** The poster as SVG (what `posterPng` renders). */
export function posterSvg(options: PosterOptions): string {
  const qr = QRCode.create(options.link, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const cell = Math.floor(760 / (size + 8));
  const side = cell * (size + 8);
  const x0 = (WIDTH - side) / 2;
  const y0 = 560;
  let path = "";
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++)
      if (qr.modules.get(r, c))
        path += `M${x0 + (c + 4) * cell} ${y0 + (r + 4) * cell}h${cell}v${cell}h-${cell}z`;
  const office = lines(options.office, 28)
    .map(
      (l, i) =>
        `<text x="${WIDTH / 2}" y="${330 + i * 78}" font-size="64" font-weight="bold">${escapeMarkup(l)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<rect width="100%" height="100%" fill="#ffffff"/>
<g font-family="DejaVu Sans, sans-serif" text-anchor="middle" fill="#1a1a1a">
<text x="${WIDTH / 2}" y="150" font-size="54">Butuh bantuan akun ASN Digital / MyASN?</text>
<text x="${WIDTH / 2}" y="230" font-size="40" fill="#444">Tanya Pandu, asisten akun ASN, untuk pegawai</text>
${office}
<rect x="${x0}" y="${y0}" width="${side}" height="${side}" fill="#ffffff" stroke="#1a1a1a" stroke-width="4"/>
<path d="${path}" fill="#000000"/>
<text x="${WIDTH / 2}" y="${y0 + side + 90}" font-size="40">Pindai dengan kamera HP, lalu tekan "Mulai".</text>
<text x="${WIDTH / 2}" y="${y0 + side + 150}" font-size="32" fill="#444">${escapeMarkup(options.link)}</text>
<text x="${WIDTH / 2}" y="${HEIGHT - 110}" font-size="30" font-weight="bold">Pandu tidak pernah meminta password, token, atau kode OTP.</text>
</g>
</svg>`;
}

/** The poster as PNG. */
export function posterPng(options: PosterOptions): Buffer {
  const resvg = new Resvg(posterSvg(options), {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    fitTo: { mode: "original" },
  });
  return resvg.render().asPng();
}
