import type { ButtonCodec, ButtonData } from "../callback-data.ts";
import { instansiOfPayload } from "../deep-link.ts";
import { ASKED_MAX, gapId, gapKey } from "../faq-gap.ts";
import { maskQuestion } from "../mask.ts";
import type {
  ButtonView,
  CommandName,
  DeskRequest,
  DeskResult,
  Effect,
  Event,
  TrackEvent,
} from "../protocol.ts";
import { HISTORY_MAX, newSession, type Session } from "../session.ts";
import { truncate } from "../text/text.ts";
import { parseEmail } from "../validate/email.ts";
import { describeNip, formatNip, parseNip } from "../validate/nip.ts";
import { checkPassword, describePolicy, formatPasswordCheck } from "../validate/password.ts";
import { holdsSecret } from "../validate/secret.ts";
import { type DirectoryLookup, FAQ_SUGGEST, type FaqHitRef, type FaqLookup } from "../world.ts";
import {
  CASE_COMMENT_KEY,
  CASE_ROOM_KEY,
  type CompiledBranch,
  type CompiledFlows,
  type CompiledState,
  type Guard,
  HUMAN_KEY,
  MENU_KEY,
  PRIVACY_KEY,
} from "./compile.ts";
import { MSG } from "./messages.ts";
import type { Intent, Text } from "./schema.ts";

/** The engine's read-only world: compiled flows plus pure look-ups. */
export interface World {
  flows: CompiledFlows;
  /** Builds and reads button data (and signs the buttons that must not be forged). */
  buttons: ButtonCodec;
  directory?: DirectoryLookup;
  faq?: FaqLookup;
  /** FAQ score at or above which an answer is given without asking (0..1). */
  faqConfident?: number;
}

export interface Transition {
  session: Session;
  effects: Effect[];
}

const TEXT_MAX = 1000;
/** The session variable holding the instansi chosen by an office's start link. */
const LINKED_INSTANSI = "instansi-tautan";
const CONTACT_FLOW = "kontak";
/** Matches the Session schema's limit on a variable. */
const VAR_MAX = 256;
/** Variables that hold personal data (masked before anything is recorded). */
const PERSONAL_VARS = new Set(["nip", "nama", "email-lama", "email-baru", "pertanyaan"]);
const INSTANSI_CHOICES = 5;

const INTENT_WORDS: Record<string, Intent> = {
  menu: "menu",
  "menu utama": "menu",
  kembali: "back",
  back: "back",
  batal: "cancel",
  batalkan: "cancel",
  cancel: "cancel",
  bantuan: "help",
  help: "help",
  tolong: "help",
  petugas: "human",
  operator: "human",
  admin: "human",
  "tanya petugas": "human",
  "hubungi petugas": "human",
  "bicara dengan petugas": "human",
  "bicara dengan orang": "human",
};

/**
 * The whole conversation logic: given the session (undefined for a new chat)
 * and one event, returns the next session and the effects to run.
 * Pure: executes no effect, reads no clock (`now` is ms since epoch).
 */
export function transition(world: World, stored: Session | undefined, event: Event, now: number): Transition {
  const [menuFlow = "menu", menuState = "mulai"] = MENU_KEY.split("/");
  const run = new Run(world, stored ?? newSession(menuFlow, menuState, now), now);
  if (stored === undefined && event.type !== "start" && event.type !== "command") {
    // A first message that is not /start: answer it if it is a known question, then show the menu.
    const secret = holdsSecretIn(event);
    if (event.type === "edited" && !secret) return run.result(); // an edit needs no answer
    if (secret) run.deleteSecret();
    else if (event.type === "text") run.answerQuestion(truncate(event.text, TEXT_MAX));
    run.enter(MENU_KEY, false);
    return run.result();
  }
  if (!world.flows.states.has(run.key)) {
    // The step is gone (the flows changed): as for a first message, an edit needs no answer (the session
    // is left as it is: the next message recovers), and a secret is deleted before anything else.
    const secret = holdsSecretIn(event);
    if (event.type === "edited" && !secret && stored !== undefined) return { session: stored, effects: [] };
    if (secret) run.deleteSecret();
    run.recover();
    if (event.type !== "start" && event.type !== "command") return run.result();
  }
  run.handle(event);
  return run.result();
}

/** Mutable scratch space of one transition; never escapes `transition`. */
class Run {
  private readonly effects: Effect[] = [];
  private session: Session;

  constructor(
    private readonly world: World,
    session: Session,
    private readonly now: number,
  ) {
    this.session = { ...session, at: now };
  }

  get key(): string {
    return `${this.session.flow}/${this.session.state}`;
  }

  private memo?: { flow: string; state: string; compiled: CompiledState };

  /** The current state, looked up again only when the session moved (hot path). */
  private get state(): CompiledState {
    const { flow, state } = this.session;
    if (this.memo?.flow !== flow || this.memo.state !== state) {
      this.memo = { flow, state, compiled: this.world.flows.states.get(`${flow}/${state}`)! };
    }
    return this.memo.compiled;
  }

  result(): Transition {
    return { session: this.session, effects: this.effects };
  }

  handle(event: Event): void {
    // A password or code in an edit or a caption is deleted with the warning, never read further. (Text
    // has its own checks: a password step, a NIP step's digits.)
    if (event.type !== "text" && holdsSecretIn(event)) {
      this.deleteSecret();
      return this.prompt();
    }
    switch (event.type) {
      case "start": {
        this.session = { ...this.session, history: [] };
        // A start link of an office (t.me/<bot>?start=i-32_01): its instansi is chosen for every step that asks.
        const preset = instansiOfPayload(event.payload);
        const office = preset !== undefined ? this.world.directory?.get(preset) : undefined;
        if (office !== undefined) {
          this.setVars({ instansi: office.id, [LINKED_INSTANSI]: office.id });
          this.reply(MSG.linkedInstansi(office.name));
        }
        this.enter(MENU_KEY, false);
        return;
      }
      case "command":
        this.command(event.name, event.args);
        return;
      case "button":
        this.button(event.data);
        return;
      case "text":
        this.text(event.text);
        return;
      case "unsupported":
        // Not read, not kept, not forwarded.
        this.reply(MSG.unsupported);
        this.prompt();
        return;
      case "edited":
        // Telegram keeps the edited text in the chat; Pandu kept and forwarded only the original.
        return;
      case "photo":
        if (this.state.input?.kind === "relay" && this.session.vars.kasus !== undefined) {
          const caption = event.caption?.trim();
          return this.ask({
            kind: "relay",
            caseId: this.session.vars.kasus,
            photo: event.fileId,
            ...(caption ? { text: truncate(caption, TEXT_MAX) } : {}),
          });
        }
        this.reply(MSG.unsupported);
        this.prompt();
        return;
      case "desk":
        return this.deskAnswered(event.request, event.result);
    }
  }

  /** A message holding a password, token or OTP: deleted, nothing of it kept, the user warned. */
  deleteSecret(): void {
    this.effects.push({ type: "delete-incoming" });
    this.track("secret", this.key);
    this.reply(MSG.secretDeleted);
  }

  recover(): void {
    const flow = this.world.flows.flows.get(this.session.flow);
    const target =
      flow !== undefined && this.world.flows.states.has(`${flow.id}/${flow.start}`)
        ? `${flow.id}/${flow.start}`
        : MENU_KEY;
    this.track("recovered", this.key);
    this.reply(MSG.recovered);
    this.session = { ...this.session, history: [] };
    this.enter(target, false);
  }

  private command(name: CommandName, args?: string): void {
    switch (name) {
      case "faq":
        if (args !== undefined && holdsSecret(args)) {
          this.deleteSecret();
          return this.prompt();
        }
        if (args !== undefined && args.trim().length > 0) {
          if (!this.askFaq(truncate(args.trim(), TEXT_MAX), true)) this.prompt();
          return;
        }
        this.reply(MSG.faqAsk);
        return;
      case "menu":
        return this.intent("menu");
      case "batal":
        return this.intent("cancel");
      case "bantuan":
        return this.intent("help");
      case "petugas":
        return this.intent("human");
      case "privasi":
        return this.enter(PRIVACY_KEY, true);
      case "kasus":
        return this.ask({ kind: "status" });
      case "hapusdata":
        // The desk, not the session, knows whether a case is still open (deskAnswered continues).
        return this.ask({ kind: "erase" });
    }
  }

  private intent(intent: Intent): void {
    this.track("intent", this.key, intent);
    switch (intent) {
      case "menu":
        this.session = { ...this.session, history: [] };
        return this.enter(MENU_KEY, false);
      case "back": {
        const history = [...this.session.history];
        let previous = history.pop();
        while (previous !== undefined && !this.world.flows.states.has(previous)) previous = history.pop();
        this.session = { ...this.session, history };
        return this.enter(previous ?? MENU_KEY, false);
      }
      case "cancel": {
        // Cancelling a step never drops the link to an open case: only the desk closes cases.
        // Kept across /batal: the link to an open case, an office chosen by its start link, and the
        // user's recorded questions (/hapusdata needs them).
        const kept = Object.fromEntries(
          ["kasus", LINKED_INSTANSI, "instansi"]
            .filter((k) => k !== "instansi" || this.session.vars[LINKED_INSTANSI] !== undefined)
            .flatMap((k) => (this.session.vars[k] !== undefined ? [[k, this.session.vars[k]!]] : [])),
        );
        const asked = this.session.asked;
        this.session = {
          ...newSession(this.session.flow, this.session.state, this.now),
          locale: this.session.locale,
          vars: kept,
          ...(asked !== undefined ? { asked } : {}),
        };
        this.reply(MSG.cancelled);
        return this.enter(MENU_KEY, false);
      }
      case "help": {
        const flow = this.world.flows.flows.get(this.session.flow);
        this.reply(this.render(this.state.help ?? flow?.help ?? MSG.defaultHelp));
        return this.prompt();
      }
      case "human":
        return this.enter(this.session.vars.kasus !== undefined ? CASE_ROOM_KEY : HUMAN_KEY, true);
    }
  }

  private button(data: string): void {
    const d = this.world.buttons.parse(data);
    if (d === undefined) {
      this.track("stale", this.key, "forged");
      return this.toast(MSG.unknownButton);
    }
    this.pressed(d, data);
  }

  private pressed(d: ButtonData, data: string): void {
    switch (d.kind) {
      case "intent":
        return this.intent(d.intent);
      case "faq": {
        const hit = this.world.faq?.get(d.id);
        if (hit === undefined) return this.toast(MSG.unknownButton);
        this.track("faq", this.key, hit.id);
        this.faqAnswer(hit);
        if (this.inJourney) this.prompt();
        return;
      }
      case "vote":
        if (this.world.faq?.get(d.id) === undefined) return this.toast(MSG.unknownButton);
        this.effects.push({ type: "faq-feedback", id: d.id, helpful: d.helpful });
        return this.toast(MSG.faqThanks);
      case "jump": {
        const key = `${d.flow}/${d.state}`;
        if (!this.world.flows.states.has(key)) return this.toast(MSG.unknownButton);
        return this.enter(key, true);
      }
      // Buttons under desk messages: rate a resolved case, reopen it, continue after it closed.
      case "rate":
        return this.ask({ kind: "rate", caseId: d.caseId, stars: d.stars });
      case "reopen":
        return this.ask({ kind: "reopen", caseId: d.caseId });
      case "resume":
        if (this.session.vars.kasus === d.caseId) this.setVars({ kasus: undefined });
        return this.enter(this.resolve([{ to: "$kembali" }]), false);
      case "staff":
      case "link":
        // Desk buttons belong to HR groups; in a private chat they mean nothing.
        this.track("stale", this.key, "forged");
        return this.toast(MSG.unknownButton);
      case "instansi":
      case "step":
        return this.stepButton(d, data);
    }
  }

  private stepButton(d: Extract<ButtonData, { kind: "step" | "instansi" }>, data: string): void {
    const key = `${d.flow}/${d.state}`;
    const target = this.world.flows.states.get(key);
    if (key !== this.key) {
      this.track("stale", this.key, data);
      // Only a step the user has been through (a double tap, an older message) gets just a
      // toast; any other step may be the latest message, shown but not saved before a crash:
      // the current step is shown again so the user is never left without a button to press.
      const behind = this.session.history.includes(key);
      if (target !== undefined && behind && (d.kind === "instansi" || target.hash === d.hash)) {
        return this.toast(MSG.staleButton);
      }
      this.toast(MSG.expiredButton);
      this.reply(MSG.expiredButton);
      return this.prompt();
    }
    if (d.kind === "instansi") return this.pickInstansi(d.id);
    const button = this.state.buttons[d.index];
    const hidden = button?.show !== undefined && !this.holds(button.show);
    if (d.hash !== this.state.hash || button === undefined || hidden) {
      this.track("stale", this.key, data);
      this.toast(MSG.expiredButton);
      this.reply(MSG.expiredButton);
      return this.prompt();
    }
    if (button.set !== undefined)
      this.session = { ...this.session, vars: { ...this.session.vars, ...button.set } };
    if (button.count !== undefined) {
      const counters = { ...this.session.counters };
      // A counter with countEvery remembers the minute of its last counted press under "<name>@":
      // a press sooner than that is not a new retry ("coba lagi setelah ±2 jam", tapped thrice).
      const minute = Math.floor(this.now / 60_000);
      const last = counters[`${button.count}@`];
      const every = button.countEvery;
      if (every !== undefined && last !== undefined && minute - last < every) {
        if (button.early !== undefined) return this.enter(this.resolve(button.early), true);
      } else {
        counters[button.count] = (counters[button.count] ?? 0) + 1;
        if (every !== undefined) counters[`${button.count}@`] = minute;
        this.session = { ...this.session, counters };
      }
    }
    if (button.intent !== undefined) return this.intent(button.intent);
    const next = button.next !== undefined ? this.resolve(button.next) : this.key;
    if (button.open !== undefined) return this.openCase(button.open, next);
    if (button.act === "case-status") return this.ask({ kind: "status" });
    if (button.act === "cancel-case") {
      const caseId = this.session.vars.kasus;
      if (caseId === undefined) return this.enter(HUMAN_KEY, false);
      return this.ask({ kind: "cancel", caseId, next });
    }
    if (button.next !== undefined) return this.enter(next, true);
    return this.prompt();
  }

  /** Asks the desk; the turn answers with a "desk" event handled by deskAnswered. */
  private ask(request: DeskRequest): void {
    this.effects.push({ type: "desk", request });
  }

  /** The desk's answer to a request of this turn: the conversation follows what the desk did. */
  private deskAnswered(request: DeskRequest, result: DeskResult): void {
    if (result.notice !== undefined && request.kind !== "erase") this.reply(result.notice);
    const openCase = result.status === "open-case" ? result.caseId : undefined;
    switch (request.kind) {
      case "open":
        if (result.status === "ok" && result.caseId !== undefined) {
          this.setVars({ kasus: result.caseId });
          return this.enter(request.next, true);
        }
        if (openCase !== undefined) {
          this.setVars({ kasus: openCase });
          return this.enter(CASE_ROOM_KEY, false);
        }
        return this.prompt(); // refused: the summary stays, the user decides what next
      case "relay":
      case "status":
        if (result.status === "closed") this.setVars({ kasus: undefined });
        if (openCase !== undefined) this.setVars({ kasus: openCase });
        return;
      case "cancel":
        if (result.status === "ok" || result.status === "closed") this.setVars({ kasus: undefined });
        if (result.status === "ok") return this.enter(request.next, true);
        return this.enter(MENU_KEY, false);
      case "reopen": {
        const caseId = openCase ?? (result.status === "ok" ? result.caseId : undefined);
        if (result.status === "closed" && this.session.vars.kasus === request.caseId)
          this.setVars({ kasus: undefined });
        if (caseId === undefined) return;
        this.setVars({ kasus: caseId });
        return this.enter(CASE_ROOM_KEY, false);
      }
      case "rate":
        if (result.status !== "ok") return;
        if (this.session.vars.kasus === request.caseId) this.setVars({ kasus: undefined });
        this.setVars({ "kasus-dinilai": request.caseId });
        return this.enter(CASE_COMMENT_KEY, false);
      case "comment":
        return;
      case "erase":
        if (openCase !== undefined) {
          this.reply(MSG.eraseOpenCase(openCase));
          this.setVars({ kasus: openCase });
          return this.enter(CASE_ROOM_KEY, false);
        }
        if (this.session.asked !== undefined && this.session.asked.length > 0)
          this.effects.push({ type: "faq-forget", ids: this.session.asked });
        this.session = {
          ...newSession(this.session.flow, this.session.state, this.now),
          locale: this.session.locale,
        };
        this.reply(MSG.erased);
        return this.enter(MENU_KEY, false);
    }
  }

  private text(raw: string): void {
    const text = raw.trim();
    const input = this.state.input;
    if (input?.kind === "password") return this.password(text, input.policy ?? "");
    if (text.length === 0) {
      this.reply(MSG.empty);
      return this.prompt();
    }
    const folded = foldSimple(text);
    const intent = INTENT_WORDS[folded];
    if (intent !== undefined) return this.intent(intent);
    // In a NIP step, digits are an answer (a short one gets a length error), except a 6-digit OTP.
    const digitsOnly = input?.kind === "nip" && /^[\d\s.-]+$/.test(text) && !/^\d{6}$/.test(text);
    // Checked word by word: a password or code inside a sentence is not relayed, saved or recorded either.
    if (!digitsOnly && holdsSecret(text)) {
      this.deleteSecret();
      return this.prompt();
    }
    if (text.length > TEXT_MAX) {
      this.reply(MSG.tooLong);
      return this.prompt();
    }
    if (input !== undefined) return this.answer(text);

    const index = this.state.buttons.findIndex(
      (b) => foldSimple(this.render(b.label)) === folded && (b.show === undefined || this.holds(b.show)),
    );
    const button = this.state.buttons[index];
    if (button !== undefined && button.url === undefined) {
      const d: ButtonData = { kind: "step", ...this.stateRef, index, hash: this.state.hash };
      return this.stepButton(d, this.world.buttons.encode(d));
    }
    if (this.askFaq(text, false)) return;
    // A short question at a button step ("token gk masuk2") is answered when the FAQ is sure of it.
    if (this.answerQuestion(text)) {
      if (this.inJourney) this.prompt();
      return;
    }
    this.reply(this.state.buttons.length > 0 ? MSG.chooseButton : MSG.notUnderstood);
    this.prompt();
  }

  /** Outside a journey (menu, privacy) an FAQ answer stands alone; inside one the step is shown again after it. */
  private get inJourney(): boolean {
    return this.key !== MENU_KEY && this.key !== PRIVACY_KEY;
  }

  /**
   * Free text as a question: a confident hit is answered (with 👍/👎 and a link
   * to its guide), an unsure one gets "Apakah maksud Anda…" with the top three
   * and "Tanya petugas"; a question without a confident hit is recorded as a gap.
   * Returns false when nothing was said (not a question, or no hit) so the
   * caller can fall back. `always`: the text is a question even if it does not look like one.
   */
  private askFaq(text: string, always: boolean): boolean {
    const faq = this.world.faq;
    if (faq === undefined || (!always && !looksLikeQuestion(text, this.state.input === undefined)))
      return false;
    const hits = faq.search(text, 3).filter((h) => h.score >= FAQ_SUGGEST);
    const [best] = hits;
    if (best !== undefined && isConfident(best, this.world)) {
      this.answerHit(best, text);
      if (this.inJourney) this.prompt();
      return true;
    }
    this.recordGap(text, best?.id);
    if (best === undefined) {
      this.track("faq-none", this.key);
      this.reply(MSG.faqNone, [[this.intentButton(MSG.human, "human")]]);
      if (this.inJourney) this.prompt();
      return true;
    }
    this.track("faq-unsure", this.key, best.id);
    this.reply(MSG.faqUnsure, [
      ...hits.map((h) => [
        { label: shortLabel(h.title), data: this.world.buttons.encode({ kind: "faq", id: h.id }) },
      ]),
      [this.intentButton(MSG.human, "human")],
    ]);
    return true;
  }

  /**
   * Records a question the FAQ has no good answer for (masked). The session remembers which gap it was
   * (an id, not the text), so /hapusdata can take it back.
   */
  private recordGap(text: string, best?: string): void {
    const gap = this.withoutPersonalData(text);
    const asked = [...(this.session.asked ?? []), gapId(gapKey(gap))].slice(-ASKED_MAX);
    this.session = { ...this.session, asked };
    this.effects.push(
      best === undefined ? { type: "faq-gap", text: gap } : { type: "faq-gap", text: gap, best },
    );
  }

  /** The user's own known values (NIP, name, emails) replaced, then the rest masked (maskQuestion), before a question is recorded. */
  private withoutPersonalData(text: string): string {
    let out = text;
    for (const [key, value] of Object.entries(this.session.vars)) {
      if (!PERSONAL_VARS.has(key) || value.length < 3) continue;
      out = out.split(value).join("[data]");
      if (key === "nip") out = out.replace(new RegExp(value.split("").join("[\\s.\\-_]*"), "g"), "[data]");
    }
    return maskQuestion(out);
  }

  private faqAnswer(hit: FaqHitRef): void {
    const rows: ButtonView[][] = [
      [
        {
          label: MSG.faqHelpful,
          data: this.world.buttons.encode({ kind: "vote", id: hit.id, helpful: true }),
        },
        {
          label: MSG.faqNotHelpful,
          data: this.world.buttons.encode({ kind: "vote", id: hit.id, helpful: false }),
        },
      ],
    ];
    if (hit.flow !== undefined && this.world.flows.states.has(hit.flow) && hit.flow !== this.key) {
      const [flow = "", state = ""] = hit.flow.split("/");
      rows.push([{ label: MSG.faqStart, data: this.world.buttons.encode({ kind: "jump", flow, state }) }]);
    }
    if (!this.inJourney) rows.push([this.intentButton(MSG.menu, "menu")]);
    this.reply(`💡 ${hit.title}\n\n${hit.answer}`, rows);
  }

  /** Answers a free-text question from the FAQ when confident. */
  answerQuestion(text: string): boolean {
    const faq = this.world.faq;
    if (faq === undefined) return false;
    const [hit] = faq.search(text, 1);
    if (hit === undefined || !isConfident(hit, this.world)) return false;
    this.answerHit(hit, text);
    return true;
  }

  /** A confident FAQ answer to `text`. */
  private answerHit(hit: FaqHitRef, text: string): void {
    this.track("faq", this.key, hit.id);
    this.faqAnswer(hit);
    // "Di luar yang Pandu tahu" leaves the question unanswered: admins still see it among the gaps.
    if (hit.offTopic) this.recordGap(text, hit.id);
  }

  /** The free text being validated, so an invalid answer that is really a question can go to the FAQ. */
  private pendingText: string | undefined;

  private answer(text: string): void {
    this.pendingText = text;
    const input = this.state.input!;
    const save = (value: string, extra: Record<string, string> = {}) => {
      const vars = { ...this.session.vars, ...input.set, ...extra };
      if (input.save !== undefined) vars[input.save] = truncate(value, VAR_MAX);
      this.session = { ...this.session, vars };
      this.enter(this.resolve(input.next), true);
    };
    switch (input.kind) {
      case "nip": {
        const result = parseNip(text, this.today());
        if (result.valid) return save(result.nip, { jenis: result.kind });
        return this.invalid(
          [MSG.nipInvalid, ...result.errors.map((e) => `• ${e.message}`), MSG.nipExample].join("\n"),
        );
      }
      case "email": {
        const result = parseEmail(text);
        if (!result.ok) return this.invalid(`${MSG.emailInvalid}\n• ${result.message}`);
        if (result.suggestion !== undefined) return this.invalid(MSG.emailSuggest(result.suggestion));
        return save(result.value);
      }
      case "text": {
        const clean = text.replace(/\s+/g, " ");
        if (clean.length < 2 || clean.length > 200) return this.invalid(MSG.textInvalid);
        return save(clean);
      }
      case "instansi": {
        const hits = this.world.directory?.search(text, INSTANSI_CHOICES) ?? [];
        if (hits.length === 0) return this.invalid(MSG.instansiNone);
        const buttons = hits.map((h) => [
          {
            label: h.name,
            data: this.world.buttons.encode({ kind: "instansi", ...this.stateRef, id: h.id }),
          },
        ]);
        this.reply(`${MSG.instansiPick}\n\n${MSG.instansiRetype}`, [...buttons, ...this.navRow()]);
        return;
      }
      case "relay": {
        const caseId = this.session.vars.kasus;
        if (caseId === undefined) return this.enter(HUMAN_KEY, false);
        return this.ask({ kind: "relay", caseId, text });
      }
      case "feedback": {
        const caseId = this.session.vars["kasus-dinilai"];
        if (caseId !== undefined) this.ask({ kind: "comment", caseId, text: truncate(text, 500) });
        return save(text);
      }
      case "password":
        return;
    }
  }

  /** Asks the desk to open a case with the fields its type declares; remembers where to return. */
  private openCase(spec: string, next: string): void {
    const typeId = spec.startsWith("$") ? (this.session.vars[spec.slice(1)] ?? "") : spec;
    const type = this.world.flows.cases.get(typeId) ?? this.world.flows.cases.get("umum");
    if (type === undefined) return this.prompt();
    const fields: Record<string, string> = {};
    for (const key of Object.keys(type.fields)) {
      const value = this.session.vars[key];
      if (value !== undefined) fields[key] = value;
    }
    const instansi = this.session.vars.instansi;
    this.setVars({ kembali: type.returnTo, "kembali-label": type.returnLabel });
    this.ask({
      kind: "open",
      caseType: type.id,
      fields,
      next,
      ...(instansi !== undefined ? { instansi } : {}),
    });
  }

  /** Sets (string) or removes (undefined) session variables. */
  private setVars(changes: Record<string, string | undefined>): void {
    const vars = { ...this.session.vars };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete vars[key];
      else vars[key] = value;
    }
    this.session = { ...this.session, vars };
  }

  private pickInstansi(id: string): void {
    const input = this.state.input;
    if (input?.kind !== "instansi" || this.world.directory?.get(id) === undefined) {
      this.track("stale", this.key, "instansi");
      return this.toast(MSG.unknownButton);
    }
    const vars = { ...this.session.vars };
    if (input.save !== undefined) vars[input.save] = id;
    this.session = { ...this.session, vars };
    this.enter(this.resolve(input.next), true);
  }

  private password(text: string, policyId: string): void {
    const intent = INTENT_WORDS[foldSimple(text)];
    if (intent !== undefined) return this.intent(intent);
    // Anything else may be a password: deleted at once; only the rule results survive this function.
    this.effects.push({ type: "delete-incoming" });
    const policy = this.world.flows.policies.get(policyId)!;
    if (text.length === 0) {
      this.reply(MSG.empty);
      return this.prompt();
    }
    const check = checkPassword(text, policy);
    const report = `${MSG.passwordDeleted}\n\n${formatPasswordCheck(check, policy)}`;
    if (check.ok) {
      this.reply(`${report}\n\n${MSG.passwordOk}`);
      return this.enter(this.resolve(this.state.input!.next), true);
    }
    this.invalid(report);
  }

  private invalid(reason: string): void {
    // An invalid answer that reads like a question is answered from the FAQ, not counted as a failure.
    if (this.pendingText !== undefined && this.askFaq(this.pendingText, false)) return;
    const fails = this.session.fails + 1;
    this.session = { ...this.session, fails };
    this.track("invalid", this.key, String(fails));
    const max = this.state.input?.maxFails ?? 3;
    if (fails >= max) {
      this.reply(`${reason}\n\n${MSG.offerHelp}`, [
        [this.intentButton(MSG.help, "help"), this.intentButton(MSG.human, "human")],
        ...this.navRow(),
      ]);
      return;
    }
    this.reply(reason, this.buttonsOf(this.state));
  }

  /** Moves to `key`, pushing the current step on the history when `push`. */
  enter(key: string, push: boolean, depth = 0): void {
    const target = this.world.flows.states.get(key) ?? this.world.flows.states.get(MENU_KEY)!;
    // An office chosen by its start link answers every "which instansi?" step of a case by itself
    // (not in the contact search, where users look up other offices too).
    const linked = this.session.vars[LINKED_INSTANSI];
    if (
      target.input?.kind === "instansi" &&
      target.flow !== CONTACT_FLOW &&
      linked !== undefined &&
      depth < 4
    ) {
      const vars = { ...this.session.vars };
      if (target.input.save !== undefined) vars[target.input.save] = linked;
      this.session = { ...this.session, vars };
      return this.enter(this.resolve(target.input.next), push, depth + 1);
    }
    let history = this.session.history;
    if (push && target.key !== this.key) {
      history = [...history, this.key].slice(-HISTORY_MAX);
    }
    if (target.key === MENU_KEY) history = [];
    const from = this.key;
    this.session = { ...this.session, flow: target.flow, state: target.id, history, fails: 0 };
    // The step it came from: the dashboard's journeys count who went on from each step.
    this.track("enter", target.key, from);
    if (target.end === "success") this.track("complete", target.key);
    this.prompt();
  }

  private prompt(): void {
    const state = this.state;
    this.reply(this.render(state.say), this.buttonsOf(state));
  }

  private buttonsOf(state: CompiledState): ButtonView[][] {
    // States whose buttons depend on nothing but the history are rendered once (two variants).
    const back = this.session.history.length > 0;
    const cached = STATIC_KEYBOARDS.get(state)?.[back ? 1 : 0];
    if (cached !== undefined) return cached;
    const rendered = this.renderButtons(state);
    if (isStatic(state)) {
      const pair = STATIC_KEYBOARDS.get(state) ?? [undefined, undefined];
      pair[back ? 1 : 0] = rendered;
      STATIC_KEYBOARDS.set(state, pair);
    }
    return rendered;
  }

  private renderButtons(state: CompiledState): ButtonView[][] {
    const views: ButtonView[] = [];
    state.buttons.forEach((b, i) => {
      if (b.show !== undefined && !this.holds(b.show)) return;
      if (this.render(b.label).trim().length === 0) return; // Telegram refuses a message with an empty button
      views.push(
        b.url !== undefined
          ? { label: this.render(b.label), url: b.url }
          : {
              label: this.render(b.label),
              data: this.world.buttons.encode({
                kind: "step",
                flow: state.flow,
                state: state.id,
                index: i,
                hash: state.hash,
              }),
            },
      );
    });
    const rows: ButtonView[][] = [];
    for (let i = 0; i < views.length; i += state.columns) rows.push(views.slice(i, i + state.columns));
    return state.nav ? [...rows, ...this.navRow(state)] : rows;
  }

  private navRow(state: CompiledState = this.state): ButtonView[][] {
    if (state.key === MENU_KEY) return [];
    const row: ButtonView[] = [];
    if (this.session.history.length > 0) row.push(this.intentButton(MSG.back, "back"));
    row.push(this.intentButton(MSG.menu, "menu"));
    return [row];
  }

  private intentButton(label: string, intent: Intent): ButtonView {
    return { label, data: this.world.buttons.encode({ kind: "intent", intent }) };
  }

  private get stateRef(): { flow: string; state: string } {
    return { flow: this.session.flow, state: this.session.state };
  }

  private resolve(branches: CompiledBranch[]): string {
    const branch =
      branches.find((b) => b.guard === undefined || this.holds(b.guard)) ?? branches[branches.length - 1]!;
    if (!branch.to.startsWith("$")) return branch.to;
    // A variable target: only a state that exists, else the menu.
    const target = this.session.vars[branch.to.slice(1)];
    return target !== undefined && this.world.flows.states.has(target) ? target : MENU_KEY;
  }

  private holds(guard: Guard): boolean {
    const { vars, counters } = this.session;
    switch (guard.kind) {
      case "eq":
        return vars[guard.name] === guard.value;
      case "ne":
        return vars[guard.name] !== guard.value;
      case "gte":
        return (counters[guard.name] ?? 0) >= guard.n;
      case "has":
        return vars[guard.name] !== undefined;
    }
  }

  private resolveText(text: Text): string {
    if (typeof text === "string") return text;
    return text[this.session.locale ?? "id"] ?? text.id;
  }

  /** Fills the placeholders of a text from the session and the world. */
  private render(text: Text): string {
    const vars = this.session.vars;
    const raw = this.resolveText(text);
    if (!raw.includes("{")) return raw;
    return raw.replace(/\{([a-z_]+)(?::([a-z0-9-]+))?\}/g, (whole, name: string, arg?: string) => {
      switch (name) {
        case "nip":
          return vars.nip !== undefined ? formatNip(vars.nip) : "-";
        case "nip_arti": {
          if (vars.nip === undefined) return "-";
          const result = parseNip(vars.nip, this.today());
          if (!result.valid) return "-";
          return [describeNip(result), ...result.warnings.map((w) => `⚠️ ${w.message}`)].join("\n");
        }
        case "jenis":
          return vars.jenis ?? "ASN";
        case "instansi":
          return (vars.instansi !== undefined && this.world.directory?.get(vars.instansi)?.name) || "-";
        case "kontak":
          return vars.instansi !== undefined && this.world.directory !== undefined
            ? this.world.directory.card(vars.instansi)
            : "-";
        case "kebijakan": {
          const policy = this.world.flows.policies.get(arg ?? "");
          return policy !== undefined ? describePolicy(policy) : whole;
        }
        case "var":
          return vars[arg ?? ""] || "-";
        case "ringkasan": {
          const type =
            this.world.flows.cases.get(vars["jenis-kasus"] ?? "") ?? this.world.flows.cases.get("umum");
          if (type === undefined) return "-";
          return Object.entries(type.fields)
            .map(([key, label]) => {
              const value =
                key === "instansi" && vars.instansi !== undefined
                  ? (this.world.directory?.get(vars.instansi)?.name ?? vars.instansi)
                  : key === "nip" && vars.nip !== undefined
                    ? formatNip(vars.nip)
                    : vars[key];
              return `• ${label}: ${value ?? (type.required.includes(key) ? "(belum diisi)" : "-")}`;
            })
            .join("\n");
        }
        default:
          return whole;
      }
    });
  }

  private today(): { year: number; month: number; day: number } {
    const d = new Date(this.now + 7 * 3_600_000); // WIB
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  private reply(raw: string, buttons?: ButtonView[][]): void {
    const text = raw.trim();
    this.effects.push(
      buttons !== undefined && buttons.length > 0
        ? { type: "reply", text, buttons }
        : { type: "reply", text },
    );
  }

  private toast(text: string): void {
    this.effects.push({ type: "toast", text });
  }

  private track(event: TrackEvent, key: string, detail?: string): void {
    const [flow = "", state = ""] = key.split("/");
    this.effects.push(
      detail === undefined
        ? { type: "track", event, flow, state }
        : { type: "track", event, flow, state, detail },
    );
  }
}

const QUESTION_WORDS =
  /(^|\s)(apa|apakah|bagaimana|bgmn|gimana|gmn|gmana|kenapa|knp|mengapa|kok|bisakah|bisa|boleh|dimana|di mana|dmn|kapan|kpn|siapa|berapa|brp|harus|perlu|cara|caranya|gak bisa|ga bisa|gk bisa|tidak bisa|tdk bisa|gabisa|how|what|why|where|can|tolong|mohon)(\s|$)/;

/**
 * Whether free text reads like a question rather than an answer: a question
 * mark or a question word; `loose` also takes any text of 4+ words (used where
 * no typed answer is expected). Emails, links and mostly-digit text never are.
 */
export function looksLikeQuestion(text: string, loose = false): boolean {
  if (/@|https?:\/\//i.test(text)) return false;
  const folded = foldSimple(text);
  if (folded.length < 3) return false;
  const letters = folded.replace(/[^\p{L}]/gu, "").length;
  if (letters < folded.replace(/\s/g, "").length / 2) return false; // mostly digits: a NIP attempt
  return text.includes("?") || QUESTION_WORDS.test(folded) || (loose && folded.split(" ").length >= 4);
}

/** Whether the free text an event carries (text, caption, edited text) holds a secret. */
function holdsSecretIn(event: Event): boolean {
  switch (event.type) {
    case "text":
    case "edited":
      return holdsSecret(event.text);
    case "photo":
    case "unsupported":
      return event.caption !== undefined && holdsSecret(event.caption);
    default:
      return false;
  }
}

function isConfident(hit: FaqHitRef, world: World): boolean {
  return (hit.confidence ?? (hit.score >= (world.faqConfident ?? 0.5) ? "high" : "low")) === "high";
}

/** Telegram shows about 30 characters of a button on a phone. */
function shortLabel(title: string): string {
  return title.length <= 40 ? title : `${title.slice(0, 39)}…`;
}

/** Rendered keyboards of static states: [without "Kembali", with it]. Shared, never mutated. */
const STATIC_KEYBOARDS = new WeakMap<
  CompiledState,
  [ButtonView[][] | undefined, ButtonView[][] | undefined]
>();

function isStatic(state: CompiledState): boolean {
  return state.buttons.every(
    (b) =>
      b.show === undefined &&
      (typeof b.label === "string"
        ? !b.label.includes("{")
        : !Object.values(b.label).some((l) => l.includes("{"))),
  );
}

/** Lower case, punctuation and emoji dropped, spaces collapsed: for matching labels and intent words. */
function foldSimple(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
