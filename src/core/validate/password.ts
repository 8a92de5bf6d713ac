/**
 * Password policies as data (each activation path carries its own, domain.md §2.4)
 * and a checker that reports rule by rule without ever echoing the password.
 */
import { z } from "zod";

export const PasswordPolicy = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  label: z.string(),
  minLength: z.number().int().min(1),
  upper: z.number().int().min(0).default(0),
  lower: z.number().int().min(0).default(0),
  digit: z.number().int().min(0).default(0),
  symbol: z.number().int().min(0).default(0),
  source: z
    .string()
    .optional()
    .describe("Where the rule comes from (article, letter, screen text), so HR staff can check it."),
  note: z.string().optional(),
});
export type PasswordPolicy = z.infer<typeof PasswordPolicy>;

export interface PasswordRuleResult {
  rule: "length" | "upper" | "lower" | "digit" | "symbol";
  ok: boolean;
  /** "minimal 12 karakter" */
  label: string;
  have: number;
  need: number;
}

export interface PasswordCheck {
  ok: boolean;
  rules: PasswordRuleResult[];
}

type ClassRule = Exclude<PasswordRuleResult["rule"], "length">;

const CLASS_RULES: readonly ClassRule[] = ["upper", "lower", "digit", "symbol"];

/** Noun for each character class, as used in labels and sentences. */
const NOUN: Record<ClassRule, string> = {
  upper: "huruf besar",
  lower: "huruf kecil",
  digit: "angka",
  symbol: "simbol",
};

const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;
const DIGIT = /^\p{Nd}$/u;
// Not a symbol: letters, digits, white space, and combining marks (part of the letter before them).
const NOT_SYMBOL = /^[\p{L}\p{Nd}\s\p{M}]$/u;

function countClasses(candidate: string): Record<ClassRule, number> & { length: number } {
  const counts = { length: 0, upper: 0, lower: 0, digit: 0, symbol: 0 };
  for (const ch of candidate) {
    counts.length++;
    if (UPPER.test(ch)) counts.upper++;
    else if (LOWER.test(ch)) counts.lower++;
    else if (DIGIT.test(ch)) counts.digit++;
    else if (!NOT_SYMBOL.test(ch)) counts.symbol++;
  }
  return counts;
}

function ruleLabel(rule: PasswordRuleResult["rule"], need: number): string {
  if (rule === "length") return `minimal ${need} karakter`;
  return `minimal ${need} ${NOUN[rule]}${rule === "symbol" ? " (mis. # ! @ ?)" : ""}`;
}

/** Indonesian list: "a", "a dan b", "a, b, dan c". */
function joinId(items: string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} dan ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, dan ${items[items.length - 1]}`;
}

/**
 * Checks a candidate password against a policy. Characters are counted by code
 * point; only rules the policy has (need > 0) are listed, length always.
 */
export function checkPassword(candidate: string, policy: PasswordPolicy): PasswordCheck {
  const counts = countClasses(candidate);
  const rules: PasswordRuleResult[] = [
    {
      rule: "length",
      ok: counts.length >= policy.minLength,
      label: ruleLabel("length", policy.minLength),
      have: counts.length,
      need: policy.minLength,
    },
  ];
  for (const rule of CLASS_RULES) {
    const need = policy[rule];
    if (need <= 0) continue;
    rules.push({ rule, ok: counts[rule] >= need, label: ruleLabel(rule, need), have: counts[rule], need });
  }
  return { ok: rules.every((r) => r.ok), rules };
}

/**
 * Checklist with ✓/✗ per rule and one closing sentence ("Tambahkan: 1 huruf besar
 * dan 1 simbol."). Built only from counts: never contains the candidate or any part of it.
 */
export function formatPasswordCheck(check: PasswordCheck, policy: PasswordPolicy): string {
  const lines = check.rules.map((r) => {
    const detail = r.rule === "length" && !r.ok ? ` (baru ${r.have})` : "";
    return `${r.ok ? "✓" : "✗"} ${r.label}${detail}`;
  });
  const missing = check.rules
    .filter((r) => !r.ok)
    .map((r) =>
      r.rule === "length" ? `${r.need - r.have} karakter lagi` : `${r.need - r.have} ${NOUN[r.rule]}`,
    );
  lines.push(
    missing.length === 0 ? `Sudah memenuhi syarat ${policy.label}.` : `Tambahkan: ${joinId(missing)}.`,
  );
  return lines.join("\n");
}

/** The rules as a short Indonesian phrase: "minimal 12 karakter, dengan huruf besar, huruf kecil, angka, dan simbol". */
export function describePolicy(policy: PasswordPolicy): string {
  const classes = CLASS_RULES.filter((rule) => policy[rule] > 0).map((rule) =>
    policy[rule] === 1 ? NOUN[rule] : `${policy[rule]} ${NOUN[rule]}`,
  );
  const base = `minimal ${policy.minLength} karakter`;
  return classes.length === 0 ? base : `${base}, dengan ${joinId(classes)}`;
}
