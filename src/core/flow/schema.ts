import { z } from "zod";

/** Flow and state ids: lowercase-kebab; never ":", "/" or "|" (separators in targets and callback data). */
export const Id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "id harus huruf kecil, angka dan tanda minus (mis. 'cek-email')")
  .max(32)
  .describe("lowercase-kebab id, at most 32 characters");

/** A text the user reads: Indonesian string, or one text per locale with `id` required. */
export const Text = z
  .union([
    z.string().min(1),
    z
      .strictObject({ id: z.string().min(1).describe("Indonesian text (required)") })
      .catchall(z.string().min(1)),
  ])
  .describe(
    "Text shown to the user. Plain text (no Markdown). Placeholders: {nip}, {nip_arti}, {jenis}, {instansi}, {kontak}, {kebijakan:<policy>}, {var:<name>}. Either a string (Indonesian) or { id: ..., en: ... } per locale.",
  );
export type Text = z.infer<typeof Text>;

/** Where to go: "state" in the same flow, or "flow/state" in another flow. */
export const Target = z
  .string()
  .regex(
    /^(?:[a-z0-9-]+(?:\/[a-z0-9-]+)?|\$[a-z0-9-]+)$/,
    "tujuan harus 'state', 'flow/state' atau '$variabel'",
  )
  .describe(
    "Target state: 'state-id' in this flow, 'flow-id/state-id', or '$var' (a variable holding 'flow/state')",
  );

export const Branch = z.strictObject({
  if: z
    .string()
    .optional()
    .describe(
      "Guard: 'var=value', 'var!=value', 'counter>=n', 'has:var'. Omit on the last (default) branch.",
    ),
  to: Target,
});
export type Branch = z.infer<typeof Branch>;

export const Next = z
  .union([Target, z.array(Branch).min(1)])
  .describe("A target, or a list of guarded branches tried in order; the first whose guard holds wins");
export type Next = z.infer<typeof Next>;

export const Intent = z.enum(["menu", "back", "cancel", "help", "human"]);
export type Intent = z.infer<typeof Intent>;

export const Button = z
  .strictObject({
    label: Text.describe("Button label, short (Telegram shows about 30 characters on a phone)"),
    to: Next.optional(),
    url: z.url().optional().describe("Opens a web page instead of moving the flow"),
    intent: Intent.optional().describe("A global intent instead of a target"),
    set: z
      .record(Id, z.string().min(1).max(40))
      .optional()
      .describe("Variables to set when pressed, e.g. { jalur: digital }"),
    count: Id.optional().describe("Counter to increment when pressed (e.g. token retries)"),
    countEvery: z
      .number()
      .int()
      .min(0)
      .max(10080)
      .optional()
      .describe(
        "Minutes: a press counts only when at least this long after the last counted press of the same counter (retries that need time, e.g. 'coba lagi setelah ±2 jam'); 0 counts every press and remembers its time",
      ),
    early: Next.optional().describe(
      "Where a press sooner than countEvery goes (it is not counted); default: the usual target",
    ),
    if: z
      .string()
      .optional()
      .describe("Show the button only when this guard holds (same syntax as branches)"),
    open: z
      .string()
      .regex(/^\$?[a-z0-9-]+$/)
      .optional()
      .describe("Opens a case of this type (flows/data/cases.yaml), or of the type held by '$var'"),
    act: z.enum(["cancel-case", "case-status"]).optional().describe("An action on the user's open case"),
  })
  .refine((b) => [b.to, b.url, b.intent].filter((x) => x !== undefined).length === 1, {
    message: "tombol harus punya tepat satu dari: to, url, intent",
  })
  .refine((b) => (b.open === undefined && b.act === undefined) || b.to !== undefined, {
    message: "tombol dengan open/act harus punya 'to'",
  })
  .refine((b) => b.countEvery === undefined || b.count !== undefined, {
    message: "'countEvery' butuh 'count'",
  })
  .refine((b) => b.early === undefined || b.countEvery !== undefined, {
    message: "'early' butuh 'countEvery'",
  });
export type Button = z.infer<typeof Button>;

export const Input = z.strictObject({
  type: z
    .string()
    .describe(
      "Validator name: nip, email, text, instansi, password:<policy-id>, relay (text and photos go to the open case), feedback (a comment on the rated case)",
    ),
  save: Id.optional().describe("Variable to keep the answer in (never for passwords)"),
  set: z
    .record(Id, z.string().min(1).max(40))
    .optional()
    .describe("Variables to set when the answer is valid"),
  to: Next.describe("Where to go once the answer is valid"),
  maxFails: z.number().int().min(1).max(10).optional().describe("Failures before help is offered"),
});
export type Input = z.infer<typeof Input>;

/** A source of a stated fact: a URL, or a site and date when there is no stable URL. */
export const Source = z
  .string()
  .trim()
  .min(3)
  .max(300)
  .describe(
    "A public source of what the text states: a URL, or 'site (date)' (e.g. 'poskota.co.id (13 Apr 2025)'), from ../shared/domain.md",
  );

/** Last date a text was checked against its sources. */
export const Checked = z.iso
  .date()
  .describe("Date the text was last checked against its sources (YYYY-MM-DD)");

/**
 * Sources and the last-checked date of the facts a text states. A state (and a flow's own
 * `help`) states a fact unless it says `fact: false`; `flows check` enforces it.
 */
const Provenance = {
  sources: z
    .array(Source)
    .min(1)
    .optional()
    .describe("Public sources of the facts the texts state. Required unless fact: false"),
  checked: Checked.optional().describe(
    "Date the texts were last checked against their sources. Required unless fact: false",
  ),
  fact: z
    .literal(false)
    .optional()
    .describe(
      "The texts state no fact (a question, a choice, a form step, data the user typed or the directory holds): no sources needed",
    ),
};

export const State = z.strictObject({
  say: Text,
  buttons: z.array(Button).max(12).optional(),
  columns: z.number().int().min(1).max(3).optional().describe("Buttons per row (default 1)"),
  input: Input.optional().describe("What the user may type here"),
  help: Text.optional().describe("Shown on /bantuan in this state"),
  end: z.enum(["success", "handoff"]).optional().describe("Marks the end of a journey for the funnel"),
  nav: z.boolean().optional().describe("Show the Kembali / Menu row (default true)"),
  ...Provenance,
});
export type State = z.infer<typeof State>;

export const Flow = z.strictObject({
  $schema: z.string().optional(),
  id: Id.describe("Must equal the file name without .yaml"),
  title: Text,
  start: Id.describe("The first state"),
  help: Text.optional().describe("Default help text for every state of this flow"),
  ...Provenance,
  maxFails: z.number().int().min(1).max(10).default(3).describe("Invalid answers before help is offered"),
  states: z.record(Id, State),
});
export type Flow = z.infer<typeof Flow>;
export type FlowInput = z.input<typeof Flow>;
