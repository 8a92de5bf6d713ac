/**
 * Secret check evaluation (issue 13, item 2): false positives and false
 * negatives of `holdsSecret` over labelled sentences:
 *   - test/core/validate/secret-sentences.yaml (secret / not_secret),
 *   - every labelled FAQ question of test/faq/questions.yaml (not secret),
 *   - the user lines of test/transcripts/*.yaml: deleted there with the secret
 *     warning → secret; not deleted → not secret; password-step lines (deleted by
 *     the step whatever they are) are left out.
 *
 *   npm run eval:secrets            human-readable report
 *   npm run eval:secrets -- --json  machine-readable report
 *
 * Always exits 0 (the floors are enforced by test/core/validate/secret-sentences.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { holdsSecret } from "../src/core/validate/secret.ts";

export interface LabelledSentence {
  text: string;
  secret: boolean;
  /** "holdout": written after the rules were settled, never tuned against. */
  source: "corpus" | "holdout" | "faq" | "transcript";
}

export interface SecretEval {
  secrets: number;
  notSecrets: number;
  /** Not-secret sentences taken for secrets (they would be deleted). */
  falsePositives: LabelledSentence[];
  /** Secret sentences let through (they would be relayed or recorded). */
  falseNegatives: LabelledSentence[];
}

interface TranscriptStep {
  user?: string;
  deleted?: boolean;
  bot?: { says?: string | string[] }[];
}

export function loadSecretCorpus(root = "."): LabelledSentence[] {
  const corpus = parse(readFileSync(join(root, "test/core/validate/secret-sentences.yaml"), "utf8")) as {
    secret: string[];
    not_secret: string[];
    secret_holdout: string[];
    not_secret_holdout: string[];
  };
  const faq = parse(readFileSync(join(root, "test/faq/questions.yaml"), "utf8")) as {
    questions: { q: string }[];
  };
  const out: LabelledSentence[] = [
    ...corpus.secret.map((text) => ({ text, secret: true, source: "corpus" as const })),
    ...corpus.not_secret.map((text) => ({ text, secret: false, source: "corpus" as const })),
    ...corpus.secret_holdout.map((text) => ({ text, secret: true, source: "holdout" as const })),
    ...corpus.not_secret_holdout.map((text) => ({ text, secret: false, source: "holdout" as const })),
    ...faq.questions.map((q) => ({ text: q.q, secret: false, source: "faq" as const })),
  ];
  const dir = join(root, "test/transcripts");
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
    const transcript = parse(readFileSync(join(dir, file), "utf8")) as { steps: TranscriptStep[] };
    for (const step of transcript.steps) {
      if (step.user === undefined || step.user.startsWith("/") || seen.has(step.user)) continue;
      seen.add(step.user);
      const says = (step.bot ?? []).flatMap((b) => b.says ?? []).join(" ");
      if (step.deleted === true && says.includes("sudah saya hapus")) continue; // a password step
      out.push({ text: step.user, secret: step.deleted === true, source: "transcript" });
    }
  }
  return out;
}

export function evaluateSecrets(sentences: LabelledSentence[]): SecretEval {
  const result: SecretEval = { secrets: 0, notSecrets: 0, falsePositives: [], falseNegatives: [] };
  for (const s of sentences) {
    const found = holdsSecret(s.text);
    if (s.secret) {
      result.secrets++;
      if (!found) result.falseNegatives.push(s);
    } else {
      result.notSecrets++;
      if (found) result.falsePositives.push(s);
    }
  }
  return result;
}

function main(argv: string[]): void {
  const corpus = loadSecretCorpus();
  const result = evaluateSecrets(corpus);
  if (argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const pct = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)} %`;
  const bySource = (["corpus", "holdout", "faq", "transcript"] as const).map((source) => {
    const part = evaluateSecrets(corpus.filter((s) => s.source === source));
    return `  ${source.padEnd(10)} secret ${part.secrets} (missed ${part.falseNegatives.length}), not secret ${part.notSecrets} (flagged ${part.falsePositives.length})`;
  });
  const lines = [
    `secret sentences:     ${result.secrets}, missed ${result.falseNegatives.length} (${pct(result.falseNegatives.length, result.secrets)} false negatives)`,
    `not-secret sentences: ${result.notSecrets}, flagged ${result.falsePositives.length} (${pct(result.falsePositives.length, result.notSecrets)} false positives)`,
    ...bySource,
    ...result.falseNegatives.map((s) => `  missed  [${s.source}] ${s.text}`),
    ...result.falsePositives.map((s) => `  flagged [${s.source}] ${s.text}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
