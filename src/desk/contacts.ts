/**
 * Contact cards kept by the offices themselves: in a verified group, `/kontak`
 * shows the card of each instansi it serves, and the group's admins edit it
 * field by field (each validated, with the reason when wrong). Users see it in
 * the directory's card, with who updated it and when; a card not confirmed for
 * 12 months is marked as possibly outdated and its group is asked to confirm.
 */
import { z } from "zod";
import { formatTime } from "../core/desk/report.ts";
import type { World } from "../core/flow/transition.ts";
import type { Address, ButtonView } from "../core/protocol.ts";
import { truncate } from "../core/text/text.ts";
import {
  CONTACT_FIELDS,
  CONTACT_HINTS,
  CONTACT_LABELS,
  type ContactField,
  checkContactField,
} from "../core/validate/contact.ts";
import { OFFICE_CARD_FRESH_MS } from "../directory/directory.ts";
import type { DeskStore, OfficeCard } from "../stores.ts";
import type { Network, Reply, Staff } from "./network.ts";

/** An edit in progress: kept in the group's session until the admin types the value (or 10 minutes pass). */
const PendingEditSchema = z.object({
  user: z.string().max(64),
  instansi: z.string().max(32),
  field: z.enum(CONTACT_FIELDS),
  at: z.number().int(),
});

export type PendingEdit = z.infer<typeof PendingEditSchema>;

/** What a group keeps in its stored state between updates. */
export const GroupState = z.object({ v: z.literal(1), edit: PendingEditSchema.optional() });
export type GroupState = z.infer<typeof GroupState>;

/** The group's stored state, or an empty one when there is none or it cannot be read. */
export function parseGroupState(raw: unknown): GroupState {
  const parsed = GroupState.safeParse(raw);
  return parsed.success ? parsed.data : { v: 1 };
}

export const EDIT_TIMEOUT_MS = 10 * 60_000;
const ASK_AGAIN_MS = 30 * 24 * 3_600_000;

export interface PressResult {
  reply?: Reply;
  /** The edit to remember for this group (the adapter keeps it in the group's session). */
  editing?: PendingEdit;
  toast?: string;
  /** Ask the typed value as a reply to this message (Telegram: force_reply), so privacy mode lets it through. */
  askReply?: boolean;
}

export class Contacts {
  constructor(
    private readonly store: DeskStore,
    private readonly world: World,
    private readonly network: Network,
  ) {}

  /** `/kontak` in a group: the card of each instansi it serves, with edit buttons for its admins. */
  async show(group: Address, canEdit: boolean, now: number): Promise<Reply> {
    const served = await this.network.served(group);
    if (served.length === 0) return { text: MSG.notVerified };
    if (served.length > 1)
      return {
        text: MSG.pick,
        buttons: served.map((instansi) => [
          {
            label: this.network.name(instansi),
            data: this.world.buttons.encode({ kind: "contact", action: "show", instansi }, group),
          },
        ]),
      };
    return this.card(group, served[0]!, canEdit, now);
  }

  private async card(group: Address, instansi: string, canEdit: boolean, now: number): Promise<Reply> {
    const card = await this.store.tx((tx) => tx.officeCard(instansi));
    const name = this.network.name(instansi);
    const lines = [`📇 Kartu kontak ${name}`];
    for (const field of CONTACT_FIELDS) lines.push(`${CONTACT_LABELS[field]}: ${card?.[field] ?? "—"}`);
    if (card !== undefined) {
      lines.push(`Diperbarui ${formatTime(card.updatedAt)} oleh ${card.updatedName ?? "petugas"}.`);
      if (now - card.confirmedAt > OFFICE_CARD_FRESH_MS) lines.push(MSG.stale(formatTime(card.confirmedAt)));
    } else lines.push(MSG.empty);
    lines.push(MSG.shownAs);
    if (!canEdit) return { text: lines.join("\n") };
    const edit = (field: ContactField): ButtonView => ({
      label: `✏️ ${CONTACT_LABELS[field]}`,
      data: this.world.buttons.encode({ kind: "contact", action: "edit", instansi, field }, group),
    });
    const rows: ButtonView[][] = [];
    for (let i = 0; i < CONTACT_FIELDS.length; i += 2) rows.push(CONTACT_FIELDS.slice(i, i + 2).map(edit));
    if (card !== undefined)
      rows.push([
        {
          label: "✅ Semua masih benar",
          data: this.world.buttons.encode({ kind: "contact", action: "confirm", instansi }, group),
        },
      ]);
    return { text: lines.join("\n"), buttons: rows };
  }

  /** A press on a contact button in a group. */
  async press(
    group: Address,
    staff: Staff,
    data: string,
    canEdit: boolean,
    now: number,
  ): Promise<PressResult> {
    const d = this.world.buttons.parse(data, group);
    if (d?.kind !== "contact") return { toast: MSG.forged };
    if (!(await this.network.served(group)).includes(d.instansi)) return { toast: MSG.notYours };
    if (d.action === "show") return { reply: await this.card(group, d.instansi, canEdit, now) };
    if (!canEdit) return { toast: MSG.adminsOnly };
    if (d.action !== "edit") {
      const done = await this.store.tx(async (tx) => {
        const card = await tx.officeCard(d.instansi);
        if (card === undefined) return false;
        await tx.saveOfficeCard({ ...card, confirmedAt: now });
        await tx.record({
          at: now,
          actor: staff.id,
          actorName: staff.name,
          kind: "card-confirmed",
          group,
          instansi: d.instansi,
        });
        return true;
      });
      if (done) await this.refresh(now);
      return { toast: done ? MSG.confirmed : MSG.empty };
    }
    return {
      reply: {
        text: MSG.askValue(CONTACT_LABELS[d.field], this.network.name(d.instansi), CONTACT_HINTS[d.field]),
      },
      editing: { user: staff.id, instansi: d.instansi, field: d.field, at: now },
      askReply: true,
    };
  }

  /**
   * A message in the group while `pending` is in progress. Returns the reply and whether the edit is over
   * (saved, cancelled, expired); a value that is wrong keeps the edit open and says why.
   */
  async edit(
    group: Address,
    staff: Staff,
    pending: PendingEdit,
    text: string,
    canEdit: boolean,
    now: number,
  ): Promise<{ reply: Reply; done: boolean } | undefined> {
    if (pending.user !== staff.id) return undefined; // someone else is talking: not the value
    if (now - pending.at > EDIT_TIMEOUT_MS) return { reply: { text: MSG.expired }, done: true };
    if (/^\/batal\b/i.test(text.trim())) return { reply: { text: MSG.cancelled }, done: true };
    if (!canEdit) return { reply: { text: MSG.adminsOnly }, done: true };
    const check = checkContactField(pending.field, text);
    if (!check.ok)
      return {
        reply: { text: `${check.reason}\n${MSG.tryAgain(CONTACT_LABELS[pending.field])}` },
        done: false,
      };
    await this.store.tx(async (tx) => {
      const before = await tx.officeCard(pending.instansi);
      const card: OfficeCard = {
        ...(before ?? { instansi: pending.instansi }),
        [pending.field]: check.value,
        updatedBy: staff.id,
        updatedName: staff.name,
        updatedAt: now,
        confirmedAt: now,
      };
      await tx.saveOfficeCard(card);
      await tx.record({
        at: now,
        actor: staff.id,
        actorName: staff.name,
        kind: "card-edited",
        group,
        instansi: pending.instansi,
        detail: { field: CONTACT_LABELS[pending.field] },
      });
    });
    await this.refresh(now);
    const shown = await this.card(group, pending.instansi, true, now);
    return {
      reply: { ...shown, text: `✅ ${CONTACT_LABELS[pending.field]} disimpan.\n\n${shown.text}` },
      done: true,
    };
  }

  /** Shows the current cards to users (this process) at once; others pick them up at their next refresh. */
  async refresh(now: number): Promise<void> {
    this.world.directory?.useOfficeCards(await this.store.officeCards(), now);
  }

  /** Asks the groups of cards not confirmed for 12 months to confirm them (once a month at most). */
  async askStale(now: number): Promise<number> {
    const stale = await this.store.staleCards(now - OFFICE_CARD_FRESH_MS, now - ASK_AGAIN_MS, 50);
    let asked = 0;
    for (const card of stale) {
      await this.store.tx(async (tx) => {
        const route = await tx.route(card.instansi);
        if (route === undefined) return;
        await tx.saveOfficeCard({ ...card, askedAt: now });
        await tx.enqueue(
          [
            {
              id: `kontak:${card.instansi}:ask:${Math.floor(now / ASK_AGAIN_MS)}`,
              to: route.group,
              group: true,
              message: {
                type: "text",
                text: MSG.pleaseConfirm(this.network.name(card.instansi), formatTime(card.confirmedAt)),
                buttons: [
                  [
                    {
                      label: "✅ Semua masih benar",
                      data: this.world.buttons.encode(
                        { kind: "contact", action: "confirm", instansi: card.instansi },
                        route.group,
                      ),
                    },
                    {
                      label: "📇 Lihat kartu",
                      data: this.world.buttons.encode(
                        { kind: "contact", action: "show", instansi: card.instansi },
                        route.group,
                      ),
                    },
                  ],
                ],
              },
            },
          ],
          now,
        );
        asked++;
      });
    }
    return asked;
  }
}

const MSG = {
  notVerified:
    "Grup ini belum disetujui untuk instansi mana pun. Ajukan dulu dengan /hubungkan <nama instansi>.",
  pick: "Kartu kontak instansi mana?",
  forged: "Tombol tidak sah.",
  notYours: "Instansi ini tidak dilayani grup ini.",
  adminsOnly: "Hanya admin grup ini yang boleh mengubah kartu kontak.",
  empty: "Kartu ini belum diisi. Admin grup bisa mengisinya dengan tombol di bawah.",
  shownAs:
    "Kartu ini ditampilkan kepada pegawai yang mencari kontak instansi, dengan keterangan siapa dan kapan memperbaruinya.",
  confirmed: "Terima kasih, kartu dikonfirmasi masih benar.",
  stale: (when: string) =>
    `⚠️ Belum dikonfirmasi sejak ${when}: pegawai melihatnya sebagai mungkin sudah berubah.`,
  askValue: (label: string, name: string, hint: string) =>
    `✏️ ${label} · ${name}\nBalas pesan ini dengan ${hint}. Ketik /batal untuk batal.`,
  tryAgain: (label: string) => `Silakan ketik ulang ${label.toLowerCase()}, atau /batal.`,
  expired: "Waktu mengubah kartu sudah habis. Ketik /kontak untuk mulai lagi.",
  cancelled: "Baik, kartu tidak diubah.",
  pleaseConfirm: (name: string, since: string) =>
    `📇 Kartu kontak ${truncate(name, 100)} belum dikonfirmasi sejak ${since}. Mohon periksa: apakah alamat, telepon, dan jam layanannya masih benar?`,
} as const;
