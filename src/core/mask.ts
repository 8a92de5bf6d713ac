/**
 * Masking of personal data for logs (UU 27/2022 PDP): NIP/NIK-like digit runs,
 * emails. Used by the logger; never by what the user or HR reads.
 */
import { digitValue } from "./text/fold.ts";

const DIGIT_RUN = /\d(?:[\d .\-_/]{10,}\d)/g;
const EMAIL = /([\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]*@([\p{L}\p{N}-])[\p{L}\p{N}.-]*\.([\p{L}]{2,})/gu;

/** "198609262015051001" → "1986••••••••••1001". */
export function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 8) return "•".repeat(digits.length);
  return `${digits.slice(0, 4)}${"•".repeat(digits.length - 8)}${digits.slice(-4)}`;
}

/** "budi.santoso@gmail.com" → "b•••@g•••.com". */
export function maskEmail(value: string): string {
  return value.replace(
    EMAIL,
    (_m, first: string, domainFirst: string, tld: string) => `${first}•••@${domainFirst}•••.${tld}`,
  );
}

/** Masks every NIP/NIK-like digit run (digits of any script) and every email inside free text. */
export function maskText(text: string): string {
  const ascii = text.replace(/\p{Nd}/gu, (d) => String(digitValue(d)));
  return maskEmail(ascii).replace(DIGIT_RUN, (run) =>
    run.replace(/\D/g, "").length >= 12 ? maskDigits(run) : run,
  );
}

/** "Budi Santoso" → "B••• S•••". */
export function maskName(value: string): string {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w[0]}•••`)
    .join(" ");
}
