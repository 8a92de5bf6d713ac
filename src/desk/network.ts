/**
 * The trusted HR network: which groups may receive an instansi's cases.
 *
 * A group asks (`/hubungkan`) and that routes nothing; a bot admin (ADMIN_IDS)
 * or an admin of a regional manager group whose set holds the instansi
 * approves. A group that the bot can no longer reach is marked broken and its
 * cases take the fallback chain: the instansi's manager group, then the
 * central desk (HR_CHAT_ID), else none. Every change is an audit row.
 */
import { type InertText, TextBuilder } from "../core/desk/case.ts";
import { formatTime } from "../core/desk/report.ts";
import type { World } from "../core/flow/transition.ts";
import type { OutboxItem } from "../core/outbox.ts";
import type { Address, ButtonView } from "../core/protocol.ts";
import { truncate } from "../core/text/text.ts";
import type { AuditRow, DeskStore, DeskTx, GroupInfo, RouteClaim } from "../stores.ts";

export interface Reply {
  text: string;
  buttons?: ButtonView[][];
}

export interface Staff {
  id: Address;
  name: string;
}

export interface NetworkConfig {
  /** Bot admins as addresses ("tg:123"): they approve any claim and hear about broken routes. */
  admins: Address[];
  /** HR_CHAT_ID as an address: the central desk, last in the fallback chain. */
  fallbackGroup?: Address;
  /** Observer for metrics and logs: a route broke (or was repaired: `broken` false). */
  onRouteState?: (group: Address, broken: boolean, why: string) => void;
}

/** Where a case goes, and why there. */
export interface RouteChoice {
  group: Address;
  via: "office" | "manager" | "central";
}

/** A group as the channel saw it at this update, with what only the channel knows. */
export interface GroupSeen extends GroupInfo {
  /** Members when asked (Telegram getChatMemberCount), shown to approvers. */
  members?: number;
}

export class Network {
  constructor(
    private readonly store: DeskStore,
    private readonly world: World,
    readonly config: NetworkConfig,
    /** Moves the open cases of a group that cannot be reached along the fallback chain (the desk does it). */
    private readonly reroute: (
      tx: DeskTx,
      from: Address,
      why: string,
      now: number,
      handover?: { instansi: string[] },
    ) => Promise<void>,
  ) {}

  isBotAdmin(who: Address): boolean {
    return this.config.admins.includes(who);
  }

  /** The group an instansi's cases go to: its own (approved, reachable), its manager's, the central desk. */
  async routeFor(
    tx: DeskTx,
    instansi: string | undefined,
    exclude?: Address,
  ): Promise<RouteChoice | undefined> {
    const usable = async (group: Address | undefined) =>
      group !== undefined && group !== exclude && (await tx.group(group))?.broken === undefined;
    if (instansi !== undefined) {
      const route = await tx.route(instansi);
      if (await usable(route?.group)) return { group: route!.group, via: "office" };
      for (const manager of await tx.managersOf(this.servedBy(instansi))) {
        if (await usable(manager)) return { group: manager, via: "manager" };
      }
    }
    if (await usable(this.config.fallbackGroup)) return { group: this.config.fallbackGroup!, via: "central" };
    return undefined;
  }

  /**
   * Whether `group` may still receive a case of `instansi` (a reopened one): reachable, and the
   * instansi's route, a manager group of it, or the central desk.
   */
  async accepts(tx: DeskTx, group: Address, instansi: string | undefined): Promise<boolean> {
    if ((await tx.group(group))?.broken !== undefined) return false;
    if (group === this.config.fallbackGroup) return true;
    if (instansi === undefined) return false;
    if ((await tx.route(instansi))?.group === group) return true;
    return (await tx.managersOf(this.servedBy(instansi))).includes(group);
  }

  /** Whether a group has been approved for at least one instansi (or is the central desk). */
  async isVerified(group: Address): Promise<boolean> {
    if (group === this.config.fallbackGroup) return true;
    return (await this.store.tx((tx) => tx.routesOf(group))).length > 0;
  }

  /** The instansi a verified group serves. */
  async served(group: Address): Promise<string[]> {
    return (await this.store.tx((tx) => tx.routesOf(group))).map((r) => r.instansi);
  }

  async managedBy(group: Address): Promise<string[]> {
    return this.store.tx((tx) => tx.managed(group));
  }

  /**
   * What a group looks after (its statistics, dashboard and weekly digest): the instansi it serves and
   * those it manages as a regional manager, once each, sorted; `managed` counts the latter.
   */
  async looksAfter(group: Address): Promise<{ instansi: string[]; managed: number }> {
    return this.store.tx(async (tx) => {
      const managed = await tx.managed(group);
      const served = (await tx.routesOf(group)).map((r) => r.instansi);
      return { instansi: [...new Set([...served, ...managed])].sort(), managed: managed.length };
    });
  }

  // ---------------------------------------------------------------- claims

  /** `/hubungkan <instansi>` in a group: files a claim (routes nothing), or offers the top matches. */
  async claim(group: GroupSeen, actor: Staff, query: string, isAdmin: boolean, now: number): Promise<Reply> {
    if (!isAdmin && !this.isBotAdmin(actor.id)) return { text: MSG.notAllowed };
    if (group.public) return { text: MSG.publicGroup };
    const q = truncate(query.trim(), 200);
    if (q.length === 0) return { text: MSG.linkUsage };
    const hits = this.world.directory?.search(q, 5) ?? [];
    const [top, second] = hits;
    if (top === undefined) return { text: MSG.linkNone(q) };
    if (top.score >= 0.9 && (second === undefined || top.score - second.score >= 0.1))
      return this.fileClaim(group, actor, top.id, now);
    return {
      text: MSG.linkPick,
      buttons: hits.map((h) => [
        { label: h.name, data: this.world.buttons.encode({ kind: "link", instansi: h.id }, group.address) },
      ]),
    };
  }

  /** A press on one of /hubungkan's choices. */
  async claimPick(
    group: GroupSeen,
    actor: Staff,
    data: string,
    isAdmin: boolean,
    now: number,
  ): Promise<Reply> {
    const d = this.world.buttons.parse(data, group.address);
    if (d?.kind !== "link") return { text: MSG.forged };
    if (!isAdmin && !this.isBotAdmin(actor.id)) return { text: MSG.notAllowed };
    if (group.public) return { text: MSG.publicGroup };
    return this.fileClaim(group, actor, d.instansi, now);
  }

  private async fileClaim(group: GroupSeen, actor: Staff, instansi: string, now: number): Promise<Reply> {
    const name = this.name(instansi);
    return this.store.tx(async (tx) => {
      const { members, ...info } = group;
      await tx.saveGroup(info);
      const route = await tx.route(instansi);
      if (route?.group === group.address) return { text: MSG.alreadyLinked(name) };
      if ((await tx.pendingClaim(group.address, instansi)) !== undefined)
        return { text: MSG.alreadyPending(name) };
      const claim = await tx.insertClaim({
        group: group.address,
        instansi,
        status: "pending",
        requestedBy: actor.id,
        requestedName: actor.name,
        requestedAt: now,
        ...(members !== undefined ? { members } : {}),
      });
      await tx.record({
        at: now,
        actor: actor.id,
        actorName: actor.name,
        kind: "claim-filed",
        group: group.address,
        instansi,
        detail: { claim: claim.id },
      });
      const current = route !== undefined ? await tx.group(route.group) : undefined;
      const items: OutboxItem[] = [];
      const card = this.claimCard(claim, group, current);
      for (const approver of await this.approversOf(tx, instansi))
        items.push({
          id: `k${claim.id}:ask:${approver.to}`,
          to: approver.to,
          group: approver.group,
          message: { type: "text", text: card.text, inert: card.inert, buttons: this.decisionButtons(claim) },
        });
      if (route !== undefined && current !== undefined)
        items.push(
          this.note(route.group, `k${claim.id}:told`, MSG.otherAsks(name, group.title ?? group.address)),
        );
      await tx.enqueue(items, now);
      return { text: items.length > 0 ? MSG.claimFiled(name) : MSG.claimNobody(name) };
    });
  }

  /** Bot admins, and the groups managing the instansi (their admins may approve). */
  private async approversOf(tx: DeskTx, instansi: string): Promise<{ to: Address; group: boolean }[]> {
    return [
      ...this.config.admins.map((to) => ({ to, group: false })),
      ...(await tx.managersOf(this.servedBy(instansi))).map((to) => ({ to, group: true })),
    ];
  }

  private claimCard(claim: RouteClaim, group: GroupSeen, current: GroupInfo | undefined): InertText {
    // Group titles and the requester's name are typed by people: shown verbatim, never as links.
    const b = new TextBuilder()
      .line(`🛂 Permintaan menghubungkan grup · #${claim.id}`)
      .line(`Instansi: ${this.name(claim.instansi)}`)
      .line("Grup: ", group.title ?? "(tanpa nama)", ` (${group.address})`)
      .line(`Grup publik: ${group.public ? "ya" : "tidak"}${group.forum ? " · forum" : ""}`)
      .line(`Anggota: ${claim.members ?? "tidak diketahui"}`)
      .line("Diminta oleh: ", claim.requestedName ?? "-", ` (${claim.requestedBy})`);
    if (current === undefined) b.line("Sekarang dilayani: belum ada grup.");
    else
      b.line(
        "Sekarang dilayani: ",
        current.title ?? current.address,
        `${current.broken ? " (tidak bisa dihubungi)" : ""}; rute pindah hanya bila disetujui.`,
      );
    return b.line("Setujui hanya bila Anda yakin ini grup unit kepegawaian instansi tersebut.").build();
  }

  private decisionButtons(claim: RouteClaim): ButtonView[][] {
    return [
      [
        {
          label: "✅ Setujui",
          data: this.world.buttons.encode({ kind: "claim", decision: "approve", claimId: claim.id }),
        },
        {
          label: "❌ Tolak",
          data: this.world.buttons.encode({ kind: "claim", decision: "reject", claimId: claim.id }),
        },
      ],
    ];
  }

  /**
   * Setujui / Tolak, pressed by `presser` in chat `where` (a bot admin's private chat, or a manager group).
   * `isChatAdmin` tells whether the presser administers `where` (asked only when it matters).
   * Returns the notice for the presser and the new text of the pressed message.
   */
  async decide(
    presser: Staff,
    where: Address,
    data: string,
    isChatAdmin: () => Promise<boolean>,
    now: number,
  ): Promise<{ toast: string; text?: string }> {
    const d = this.world.buttons.parse(data);
    if (d?.kind !== "claim") return { toast: MSG.forged };
    return this.store.tx(async (tx) => {
      const claim = await tx.getClaim(d.claimId, true);
      if (claim === undefined) return { toast: MSG.forged };
      const name = this.name(claim.instansi);
      const allowed =
        this.isBotAdmin(presser.id) ||
        ((await tx.managersOf(this.servedBy(claim.instansi))).includes(where) && (await isChatAdmin()));
      if (!allowed) return { toast: MSG.mayNotDecide };
      if (claim.status !== "pending") {
        const by = claim.decidedName ?? claim.decidedBy ?? "-";
        return { toast: MSG.alreadyDecided(claim.status === "approved" ? "disetujui" : "ditolak", by) };
      }
      const approve = d.decision === "approve";
      const group = await tx.group(claim.group);
      if (approve && group?.public) return { toast: MSG.publicGroup };
      await tx.updateClaim({
        ...claim,
        status: approve ? "approved" : "rejected",
        decidedBy: presser.id,
        decidedName: presser.name,
        decidedAt: now,
      });
      await tx.record({
        at: now,
        actor: presser.id,
        actorName: presser.name,
        kind: approve ? "claim-approved" : "claim-rejected",
        group: claim.group,
        instansi: claim.instansi,
        detail: { claim: claim.id },
      });
      const items: OutboxItem[] = [];
      if (!approve) {
        items.push(this.note(claim.group, `k${claim.id}:rejected`, MSG.rejected(name)));
        await tx.enqueue(items, now);
        return {
          toast: MSG.youRejected(name),
          text: MSG.decidedCard(claim.id, name, "ditolak", presser.name),
        };
      }
      const before = await tx.setRoute(claim.instansi, claim.group, now);
      await tx.record({
        at: now,
        actor: presser.id,
        actorName: presser.name,
        kind: "linked",
        group: claim.group,
        instansi: claim.instansi,
        ...(before !== undefined && before.group !== claim.group ? { detail: { from: before.group } } : {}),
      });
      const all = (await tx.routesOf(claim.group)).map((r) => this.name(r.instansi)).join(", ");
      items.push(this.note(claim.group, `k${claim.id}:approved`, MSG.approved(name, all)));
      if (before !== undefined && before.group !== claim.group)
        items.push(this.note(before.group, `k${claim.id}:moved`, MSG.movedAway(name)));
      await tx.enqueue(items, now);
      // The old group's open cases of this instansi go with the route (the approver vouched for the new one).
      if (before !== undefined && before.group !== claim.group)
        await this.reroute(tx, before.group, MSG.whyMoved(name), now, { instansi: [claim.instansi] });
      return {
        toast: MSG.youApproved(name),
        text: MSG.decidedCard(claim.id, name, "disetujui", presser.name),
      };
    });
  }

  /** `/putuskan [instansi]`: the group stops receiving (one or all of) its instansi. */
  async unlink(group: Address, actor: Staff, query: string, isAdmin: boolean, now: number): Promise<Reply> {
    if (!isAdmin && !this.isBotAdmin(actor.id)) return { text: MSG.notAllowed };
    const q = truncate(query.trim(), 200);
    const target = q.length > 0 ? this.world.directory?.search(q, 1)[0]?.id : undefined;
    if (q.length > 0 && target === undefined) return { text: MSG.linkNone(q) };
    return this.store.tx(async (tx) => {
      const mine = (await tx.routesOf(group)).map((r) => r.instansi);
      const drop = target === undefined ? mine : mine.filter((id) => id === target);
      if (drop.length === 0) return { text: MSG.nothingLinked };
      for (const instansi of drop) {
        await tx.dropRoute(instansi);
        await tx.record({
          at: now,
          actor: actor.id,
          actorName: actor.name,
          kind: "unlinked",
          group,
          instansi,
        });
      }
      await this.reroute(tx, group, MSG.whyUnlinked, now, { instansi: drop });
      return { text: MSG.unlinked(drop.map((id) => this.name(id)).join(", ")) };
    });
  }

  /**
   * `/pengelola <provinsi/instansi, …>` by a bot admin in a group: the group manages that set (a province
   * brings its kabupaten/kota). `/pengelola` alone shows the set; `/pengelola hapus` empties it.
   */
  async setManager(group: GroupSeen, actor: Staff, query: string, now: number): Promise<Reply> {
    if (!this.isBotAdmin(actor.id)) return { text: MSG.onlyBotAdmin };
    const q = truncate(query.trim(), 500);
    return this.store.tx(async (tx) => {
      const current = await tx.managed(group.address);
      if (q.length === 0)
        return { text: current.length === 0 ? MSG.managesNothing : MSG.manages(this.names(current)) };
      if (group.public) return { text: MSG.publicGroup };
      const wanted = new Set<string>();
      if (!/^hapus$/i.test(q)) {
        for (const part of q
          .split(/[,;\n]+/)
          .map((x) => x.trim())
          .filter(Boolean)) {
          const hit = this.world.directory?.search(part, 1)[0];
          if (hit === undefined) return { text: MSG.linkNone(part) };
          for (const id of this.expand(hit.id)) wanted.add(id);
        }
      }
      const { members: _m, ...info } = group;
      await tx.saveGroup(info);
      await tx.setManaged(group.address, [...wanted], now);
      await tx.record({
        at: now,
        actor: actor.id,
        actorName: actor.name,
        kind: "manager-set",
        group: group.address,
        detail: { instansi: wanted.size },
      });
      // Cases it caught for instansi it no longer manages go where a new case of theirs would.
      const dropped = current.filter((id) => !wanted.has(id));
      if (dropped.length > 0)
        await this.reroute(tx, group.address, MSG.whyNotManaged, now, { instansi: dropped });
      return { text: wanted.size === 0 ? MSG.managesNothing : MSG.manages(this.names([...wanted])) };
    });
  }

  /** A province and every kabupaten/kota in it; anything else alone. */
  private expand(id: string): string[] {
    return this.world.directory?.within(id) ?? [id];
  }

  // -------------------------------------------------- groups that change or disappear

  /**
   * The bot's membership in a group changed (Telegram my_chat_member): removed or without the rights it
   * needs → the route is broken and its cases move on; back with its rights → repaired. Returns the
   * welcome to say when the bot was just added (`joined`) to a group that has no route.
   */
  async groupChanged(
    group: GroupInfo,
    state: "removed" | "no-rights" | "ok",
    joined: boolean,
    now: number,
  ): Promise<{ welcome?: string }> {
    return this.store.tx(async (tx) => {
      const before = await tx.group(group.address);
      const routed =
        (await tx.routesOf(group.address)).length > 0 || (await tx.managed(group.address)).length > 0;
      if (state === "ok") {
        await tx.saveGroup(group);
        if (before?.broken !== undefined) {
          await tx.repair(group.address);
          await tx.record({ at: now, actor: "system", kind: "route-repaired", group: group.address });
          this.config.onRouteState?.(group.address, false, "");
          await tx.enqueue(
            this.toAdmins(`g${group.address}:ok:${now}`, MSG.repairedAdmins(group.title ?? group.address)),
            now,
          );
        }
        return joined && !routed ? { welcome: MSG.welcome } : {};
      }
      const why =
        state === "removed"
          ? "bot dikeluarkan dari grup"
          : "bot tidak punya izin yang diperlukan (kirim pesan / kelola topik)";
      if (before !== undefined || routed) await this.breakRoute(tx, group.address, why, now);
      return {};
    });
  }

  /** The group became another one (Telegram: upgraded to a supergroup): routes, manager set and open cases follow. */
  async groupMoved(from: Address, to: Address, now: number): Promise<void> {
    await this.store.tx((tx) => this.moveIn(tx, from, to, now));
  }

  /**
   * The move itself, inside the transaction that saw it (a migrate update, or a send that Telegram
   * answered with the new chat id): once per move, however many times it is reported.
   */
  async moveIn(tx: DeskTx, from: Address, to: Address, now: number): Promise<void> {
    if ((await tx.group(from))?.movedTo === to) return;
    await tx.moveGroup(from, to);
    await tx.record({ at: now, actor: "system", kind: "route-moved", group: from, detail: { to } });
    // Cards of the open cases were in the old chat: announce them again in the new one.
    await this.reroute(tx, to, "", now);
  }

  /**
   * Marks a group unreachable: its admins (through the group, if it still works) and the bot admins are
   * told, and its open cases take the fallback chain. Called inside the transaction that saw it.
   */
  async breakRoute(tx: DeskTx, group: Address, why: string, now: number): Promise<void> {
    const before = await tx.group(group);
    if (before?.broken !== undefined && before.broken.why === why) return;
    await tx.markBroken(group, why, now);
    await tx.record({ at: now, actor: "system", kind: "route-broken", group, detail: { why } });
    this.config.onRouteState?.(group, true, why);
    const served = (await tx.routesOf(group)).map((r) => this.name(r.instansi));
    await tx.enqueue(
      this.toAdmins(
        `g${group}:broken:${now}`,
        MSG.brokenAdmins(before?.title ?? group, why, served.join(", ") || "-"),
      ),
      now,
    );
    await this.reroute(tx, group, why, now);
  }

  // ---------------------------------------------------------------- reading

  /** `/riwayat` in a group: its routes, claims and card edits (from the audit trail), newest first. */
  async history(group: Address): Promise<Reply> {
    const rows = await this.store.groupHistory(group, 30);
    if (rows.length === 0) return { text: MSG.noHistory };
    const lines = rows.map((r) => `${formatTime(r.at)} · ${this.describe(r)}`);
    return { text: truncate(`📜 Riwayat grup ini:\n${lines.join("\n")}`, 4000) };
  }

  private describe(r: AuditRow): string {
    const who = r.actor === "system" ? "" : ` oleh ${r.actorName ?? r.actor}`;
    const what = r.instansi !== undefined ? ` ${this.name(r.instansi)}` : "";
    switch (r.kind) {
      case "claim-filed":
        return `permintaan menghubungkan${what}${who}`;
      case "claim-approved":
        return `permintaan${what} disetujui${who}`;
      case "claim-rejected":
        return `permintaan${what} ditolak${who}`;
      case "linked":
        return `terhubung ke${what}${who}`;
      case "unlinked":
        return `hubungan dengan${what} diputus${who}`;
      case "route-broken":
        return `tidak bisa dihubungi (${String(r.detail?.why ?? "")})`;
      case "route-repaired":
        return "bisa dihubungi lagi";
      case "route-moved":
        return `grup pindah ke ${String(r.detail?.to ?? "")}`;
      case "manager-set":
        return `ditetapkan sebagai pengelola ${String(r.detail?.instansi ?? 0)} instansi${who}`;
      case "card-edited":
        return `kartu kontak${what}: ${String(r.detail?.field ?? "")} diubah${who}`;
      case "card-confirmed":
        return `kartu kontak${what} dikonfirmasi${who}`;
      default:
        return `${r.kind}${what}${who}`;
    }
  }

  name(instansi: string): string {
    return this.world.directory?.get(instansi)?.name ?? instansi;
  }

  /** "A, B, C dan 4 lainnya": the names of at most `max` instansi, and how many more. */
  names(ids: string[], max = 12): string {
    const names = ids.map((id) => this.name(id));
    return names.length > max
      ? `${names.slice(0, max).join(", ")} dan ${names.length - max} lainnya`
      : names.join(", ");
  }

  /** The instansi whose office serves `instansi` (DKI's administrative cities → the province). */
  private servedBy(instansi: string): string {
    return this.world.directory?.servedBy(instansi) ?? instansi;
  }

  private note(group: Address, id: string, text: string): OutboxItem {
    return { id, to: group, group: true, message: { type: "text", text } };
  }

  private toAdmins(id: string, text: string): OutboxItem[] {
    return this.config.admins.map((admin) => ({
      id: `${id}:${admin}`,
      to: admin,
      group: false,
      message: { type: "text", text },
    }));
  }
}

const MSG = {
  notAllowed: "Hanya admin grup ini atau admin Pandu yang boleh mengatur instansi grup.",
  onlyBotAdmin: "Hanya admin Pandu yang boleh menetapkan grup pengelola wilayah.",
  publicGroup:
    "Grup publik (yang punya @username) tidak bisa menerima kasus: data pribadi pegawai akan terbuka untuk siapa saja. Jadikan grup ini privat dulu, lalu ajukan lagi.",
  linkUsage: "Pemakaian: /hubungkan <nama instansi>, mis. /hubungkan kab bogor",
  linkNone: (q: string) => `Instansi "${truncate(q, 100)}" tidak ditemukan di direktori.`,
  linkPick: "Pilih instansi yang dilayani grup ini:",
  forged: "Tombol tidak sah.",
  alreadyLinked: (name: string) => `Grup ini sudah menerima kasus dari ${name}.`,
  alreadyPending: (name: string) => `Permintaan untuk ${name} sudah diajukan dan masih menunggu persetujuan.`,
  claimFiled: (name: string) =>
    `🛂 Permintaan menghubungkan grup ini dengan ${name} sudah diajukan dan menunggu persetujuan admin Pandu (atau grup pengelola wilayah). Sampai disetujui, belum ada kasus yang dikirim ke sini; grup ini akan diberi tahu.`,
  claimNobody: (name: string) =>
    `Permintaan untuk ${name} tercatat, tetapi belum ada admin Pandu yang bisa menyetujuinya. Hubungi pengelola Pandu.`,
  otherAsks: (name: string, other: string) =>
    `ℹ️ Grup lain ("${truncate(other, 80)}") meminta menangani kasus ${name}. Rute tidak berubah kecuali permintaan itu disetujui; grup ini akan diberi tahu.`,
  mayNotDecide: "Anda tidak berwenang memutuskan permintaan ini.",
  alreadyDecided: (how: string, by: string) => `Permintaan ini sudah ${how} oleh ${by}.`,
  decidedCard: (id: string, name: string, how: string, by: string) =>
    `🛂 Permintaan #${id} (${name}) ${how} oleh ${by}.`,
  youApproved: (name: string) => `Disetujui: ${name}.`,
  youRejected: (name: string) => `Ditolak: ${name}.`,
  approved: (name: string, all: string) =>
    `✅ Disetujui: grup ini sekarang menerima kasus dari ${name}.\nSemua instansi grup ini: ${all}.\nKetik /kontak untuk mengisi kartu kontak kantor, /tautan untuk tautan yang bisa dibagikan.`,
  rejected: (name: string) => `❌ Permintaan menghubungkan grup ini dengan ${name} ditolak.`,
  movedAway: (name: string) =>
    `ℹ️ Kasus dari ${name} sekarang dikirim ke grup lain (disetujui admin). Kasus yang masih terbuka ikut dipindahkan; kartunya di sini tidak lagi menampilkan data pengguna.`,
  whyMoved: (name: string) => `${name} kini ditangani grup lain`,
  whyUnlinked: "hubungan grup ini dengan instansinya diputus",
  whyNotManaged: "grup ini tidak lagi menjadi pengelola wilayah instansinya",
  nothingLinked: "Grup ini belum terhubung ke instansi mana pun.",
  unlinked: (names: string) =>
    `Hubungan dengan ${names} diputus. Kasus dari instansi itu, juga yang masih terbuka di sini, masuk ke grup pengelola wilayah atau meja pusat.`,
  managesNothing: "Grup ini tidak mengelola wilayah mana pun.",
  manages: (names: string) =>
    `Grup ini pengelola wilayah untuk: ${names}. Adminnya boleh menyetujui permintaan grup instansi tersebut.`,
  noHistory: "Belum ada riwayat untuk grup ini.",
  brokenAdmins: (title: string, why: string, served: string) =>
    `⚠️ Grup "${truncate(title, 80)}" tidak bisa dihubungi: ${why}. Instansinya: ${served}. Kasusnya dialihkan ke grup pengelola wilayah atau meja pusat.`,
  repairedAdmins: (title: string) =>
    `✅ Grup "${truncate(title, 80)}" bisa dihubungi lagi; kasus baru kembali ke sana.`,
  welcome:
    "👋 Halo, saya Pandu, asisten akun ASN (ASN Digital / MyASN). Di grup unit kepegawaian, saya meneruskan kasus pegawai yang perlu ditangani petugas (mis. email terdaftar salah).\n\nUntuk menerima kasus, admin grup mengetik /hubungkan <nama instansi>, mis. /hubungkan kab bogor. Permintaan itu disetujui dulu oleh admin Pandu. Grup publik tidak bisa dipakai.\n\nPerintah lain: /kontak, /tautan, /poster, /kasus, /statistik, /riwayat.",
} as const;
