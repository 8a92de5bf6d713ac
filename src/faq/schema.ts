/**
 * Shape of the FAQ knowledge base (flows/faq/*.yaml), checked with zod at load time.
 * Each file holds `entries: [...]`; each entry is one answer with several phrasings.
 */
import { z } from "zod";

/** Flow targets an answer may offer to start ("Mulai panduan …"): "<flow-id>/<state-id>". */
export const FAQ_FLOW_TARGET = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

const nonEmpty = z.string().trim().min(1);

export const FaqEntry = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "id harus lowercase-kebab (a-z, 0-9, tanda hubung)")
    .max(60)
    .describe("Stable id, lowercase-kebab, unique across all FAQ files; never contains ':' '/' '|'"),
  title: nonEmpty.max(80).describe("Short Indonesian title shown in lists and 'Apakah maksud Anda…'"),
  questions: z
    .array(nonEmpty.max(200))
    .min(3, "minimal 3 variasi pertanyaan")
    .describe("Several ways users ask this question; indexed for search"),
  answer: nonEmpty
    .max(800)
    .refine((s) => !/[<>]|\*\*|__|`|\[[^\]]*\]\(/.test(s), "jawaban harus teks biasa (tanpa Markdown/HTML)")
    .describe("The answer: plain text, Indonesian, polite 'Anda', short (about 700 characters at most)"),
  tags: z.array(nonEmpty.max(40)).min(1).describe("Keywords and synonyms, indexed for search"),
  flow: z
    .string()
    .regex(FAQ_FLOW_TARGET, "flow harus berbentuk <flow-id>/<state-id>")
    .optional()
    .describe("Optional flow target the answer may offer to start, e.g. 'aktivasi/mulai'"),
  sources: z
    .array(nonEmpty)
    .min(1, "minimal 1 sumber")
    .describe("URLs or source names from the domain brief backing the answer"),
  checked: z.iso.date().describe("Date the answer was last checked against its sources (YYYY-MM-DD)"),
  offTopic: z
    .literal(true)
    .optional()
    .describe(
      "Marks an honest 'di luar yang Pandu tahu' answer for a topic Pandu does not cover (salary, leave, KTP…): it says where to ask instead of answering",
    ),
});
export type FaqEntry = z.infer<typeof FaqEntry>;
