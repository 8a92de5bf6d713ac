/**
 * SECURITY.md's table of roles, cell by cell, through the real grammY bot.
 * Roles: bot admin (ADMIN_IDS), regional manager (an admin of a group that
 * manages Jawa Barat), admin and member of a verified group (Kabupaten Bogor),
 * anyone (a member of a group nobody approved).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../../src/app/world.ts";
import type { World } from "../../src/core/flow/transition.ts";
import { createDeskHarness, type GroupChat, type Person, person } from "../helpers/desk-harness.ts";

const ADMIN = person(1, "Admin");
const MANAGER = person(800, "Kakanreg");
const OFFICE_ADMIN = person(900, "Kepala");
const MEMBER = person(901, "Sari");
const ANYONE = person(950, "Orang");
const OTHER_ADMIN = person(960, "Pemilik");
const USER = 600;
const BOGOR: GroupChat = { id: -100500, type: "supergroup", title: "BKPSDM Kab Bogor" };
const KANREG: GroupChat = { id: -100700, type: "supergroup", title: "Kanreg III BKN" };
const OTHER: GroupChat = { id: -100600, type: "supergroup", title: "Grup Lain" };

type Role = "bot admin" | "regional manager" | "verified admin" | "verified member" | "anyone";
type Action = "claim" | "approve" | "unlink" | "edit card" | "see cases" | "act on cards" | "see statistics";

/** SECURITY.md, "Who may do what". */
const TABLE: Record<Action, Record<Role, boolean>> = {
  claim: {
    "bot admin": true,
    "regional manager": true,
    "verified admin": true,
    "verified member": false,
    anyone: false,
  },
  approve: {
    "bot admin": true,
    "regional manager": true,
    "verified admin": false,
    "verified member": false,
    anyone: false,
  },
  unlink: {
    "bot admin": true,
    "regional manager": false,
    "verified admin": true,
    "verified member": false,
    anyone: false,
  },
  "edit card": {
    "bot admin": true,
    "regional manager": false,
    "verified admin": true,
    "verified member": false,
    anyone: false,
  },
  "see cases": {
    "bot admin": true,
    "regional manager": false,
    "verified admin": true,
    "verified member": true,
    anyone: false,
  },
  "act on cards": {
    "bot admin": true,
    "regional manager": false,
    "verified admin": true,
    "verified member": true,
    anyone: false,
  },
  "see statistics": {
    "bot admin": true,
    "regional manager": true,
    "verified admin": true,
    "verified member": false,
    anyone: false,
  },
};

/** Who acts, and in which group (the office's own, the manager's, or a group nobody approved). */
const ACTOR: Record<Role, { who: Person; where: GroupChat }> = {
  "bot admin": { who: ADMIN, where: BOGOR },
  "regional manager": { who: MANAGER, where: KANREG },
  "verified admin": { who: OFFICE_ADMIN, where: BOGOR },
  "verified member": { who: MEMBER, where: BOGOR },
  anyone: { who: ANYONE, where: OTHER },
};

let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

/** A verified office group with an open case, a regional manager group for Jawa Barat, and a stranger's group. */
async function network() {
  const h = createDeskHarness(world, { admins: [ADMIN.id], fallback: -100777 });
  h.admins(BOGOR, OFFICE_ADMIN.id);
  h.admins(KANREG, MANAGER.id);
  h.admins(OTHER, OTHER_ADMIN.id);
  await h.groupText(KANREG, ADMIN, "/pengelola jawa barat");
  await h.groupText(BOGOR, OFFICE_ADMIN, "/hubungkan kab bogor");
  await h.decide(ADMIN.id);
  await h.openEmailCase(USER);
  await h.flush();
  return h;
}

/** Does the action, as the role; true when it took effect. */
async function attempt(h: Awaited<ReturnType<typeof network>>, action: Action, role: Role): Promise<boolean> {
  const { who, where } = ACTOR[role];
  switch (action) {
    case "claim": {
      await h.groupText(where, who, "/hubungkan kota bogor");
      return h.texts(where).at(-1)!.includes("menunggu persetujuan");
    }
    case "approve": {
      // A claim for Kabupaten Bogor from another group: its buttons go to the bot admins and the manager group.
      await h.groupText(OTHER, OTHER_ADMIN, "/hubungkan kab bogor");
      await h.flush();
      const data = h.button(ADMIN.id, "✅ Setujui");
      const toast =
        role === "bot admin" ? await h.privateTap(ADMIN.id, data) : await h.groupTap(where, who, data);
      await h.flush();
      return (
        toast === "Disetujui: Kabupaten Bogor." &&
        (await h.desk.network.served(`tg:${OTHER.id}`)).includes("32.01")
      );
    }
    case "unlink": {
      // The manager tries it in the office's group (where it is no admin); the others in their own.
      const chat = role === "regional manager" ? BOGOR : where;
      await h.groupText(chat, who, "/putuskan kab bogor");
      return !(await h.desk.network.served(`tg:${BOGOR.id}`)).includes("32.01");
    }
    case "edit card": {
      const chat = role === "regional manager" ? BOGOR : where;
      await h.groupText(chat, who, "/kontak");
      const edit = h.buttonsOf(h.sends(chat).at(-1)).find((b) => b.text === "✏️ Telepon")?.callback_data;
      // Without the button (not shown to them), try the office admin's one.
      await h.groupText(BOGOR, OFFICE_ADMIN, "/kontak");
      const data = edit ?? h.button(BOGOR, "✏️ Telepon");
      await h.groupTap(chat, who, data);
      await h.groupText(chat, who, "(0251) 8123456", {
        reply_to_message: {
          message_id: 1,
          date: 1,
          chat,
          from: { id: 424242, is_bot: true, first_name: "Pandu" },
          text: "✏️ Telepon",
        },
      });
      return (await h.desk.store.tx((tx) => tx.officeCard("32.01")))?.phone === "+622518123456";
    }
    case "see cases": {
      await h.groupText(where, who, "/kasus");
      const cards = h.texts(where).filter((x) => x.includes("198609262015051001")).length;
      return h.texts(where).at(-1)!.includes("#1 · Perbaikan email akun") && cards > 0;
    }
    case "act on cards": {
      const claim = h.button(BOGOR, "✋ Ambil");
      const toast = await h.groupTap(where, who, claim);
      return toast === "Kasus #1 sudah Anda ambil.";
    }
    case "see statistics": {
      await h.groupText(where, who, "/statistik");
      return h.texts(where).at(-1)!.startsWith("📊 Statistik kasus");
    }
  }
}

describe("who may do what (SECURITY.md), cell by cell", () => {
  const cells = (Object.keys(TABLE) as Action[]).flatMap((action) =>
    (Object.keys(TABLE[action]) as Role[]).map((role) => ({ action, role, allowed: TABLE[action][role] })),
  );
  it.each(cells)("$action · $role → $allowed", async ({ action, role, allowed }) => {
    const h = await network();
    expect(await attempt(h, action, role)).toBe(allowed);
  });
});
