import { z } from "zod";
import { Case, isOpen } from "../core/desk/case.ts";

/** Where a group's cases go, and how it looks (forum supergroups get a topic per case). */
export interface GroupMeta {
  forum: boolean;
  title?: string;
}

/**
 * Cases, routing (instansi → HR group) and the per-user limits. Every read
 * parses; an unreadable case is skipped, never a crash.
 */
export interface CaseStore {
  nextId(): Promise<string>;
  get(id: string): Promise<Case | undefined>;
  /** Writes a case and keeps the indexes (open set, user's open case) in step. */
  save(c: Case): Promise<void>;
  /** Read-modify-write that retries on concurrent change (Redis: WATCH). */
  update(id: string, change: (c: Case) => Case | undefined): Promise<Case | undefined>;
  openOf(user: number): Promise<string | undefined>;
  openCases(): Promise<Case[]>;
  /** Every case still kept (for statistics and retention). */
  allCases(): Promise<Case[]>;
  remove(id: string): Promise<void>;
  casesOf(user: number): Promise<string[]>;
  /** Messages in a group that belong to a case: the card, relayed messages. */
  linkMessage(group: number, messageId: number, caseId: string): Promise<void>;
  caseOfMessage(group: number, messageId: number): Promise<string | undefined>;
  linkTopic(group: number, topic: number, caseId: string): Promise<void>;
  caseOfTopic(group: number, topic: number): Promise<string | undefined>;
  route(instansi: string): Promise<number | undefined>;
  /** Links instansi to a group; returns the group each was linked to before (if another). */
  link(group: number, instansi: string[]): Promise<Record<string, number>>;
  unlink(group: number, instansi?: string[]): Promise<string[]>;
  routesOf(group: number): Promise<string[]>;
  setGroup(group: number, meta: GroupMeta): Promise<void>;
  group(group: number): Promise<GroupMeta | undefined>;
  /** Counts one event for `key`; false when `limit` is already reached in the current window. */
  allow(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
  close?(): Promise<void>;
}

export function parseCase(raw: unknown): Case | undefined {
  const result = Case.safeParse(raw);
  return result.success ? result.data : undefined;
}

const GroupMetaSchema = z.object({ forum: z.boolean(), title: z.string().optional() });

export class MemoryCaseStore implements CaseStore {
  private seq = 0;
  private readonly cases = new Map<string, string>();
  private readonly messages = new Map<string, string>();
  private readonly topics = new Map<string, string>();
  private readonly routes = new Map<string, number>();
  private readonly groups = new Map<number, GroupMeta>();
  private readonly windows = new Map<string, { start: number; count: number }>();

  async nextId(): Promise<string> {
    return String(++this.seq);
  }
  async get(id: string): Promise<Case | undefined> {
    const raw = this.cases.get(id);
    return raw === undefined ? undefined : parseCase(JSON.parse(raw));
  }
  async save(c: Case): Promise<void> {
    this.cases.set(c.id, JSON.stringify(c));
  }
  async update(id: string, change: (c: Case) => Case | undefined): Promise<Case | undefined> {
    const current = await this.get(id);
    if (current === undefined) return undefined;
    const next = change(current);
    if (next !== undefined) await this.save(next);
    return next;
  }
  async openOf(user: number): Promise<string | undefined> {
    return (await this.openCases()).find((c) => c.user === user)?.id;
  }
  async openCases(): Promise<Case[]> {
    return (await this.allCases()).filter(isOpen);
  }
  async allCases(): Promise<Case[]> {
    return [...this.cases.values()].flatMap((raw) => parseCase(JSON.parse(raw)) ?? []);
  }
  async remove(id: string): Promise<void> {
    this.cases.delete(id);
  }
  async casesOf(user: number): Promise<string[]> {
    return (await this.allCases()).filter((c) => c.user === user).map((c) => c.id);
  }
  async linkMessage(group: number, messageId: number, caseId: string): Promise<void> {
    this.messages.set(`${group}:${messageId}`, caseId);
  }
  async caseOfMessage(group: number, messageId: number): Promise<string | undefined> {
    return this.messages.get(`${group}:${messageId}`);
  }
  async linkTopic(group: number, topic: number, caseId: string): Promise<void> {
    this.topics.set(`${group}:${topic}`, caseId);
  }
  async caseOfTopic(group: number, topic: number): Promise<string | undefined> {
    return this.topics.get(`${group}:${topic}`);
  }
  async route(instansi: string): Promise<number | undefined> {
    return this.routes.get(instansi);
  }
  async link(group: number, instansi: string[]): Promise<Record<string, number>> {
    const moved: Record<string, number> = {};
    for (const id of instansi) {
      const before = this.routes.get(id);
      if (before !== undefined && before !== group) moved[id] = before;
      this.routes.set(id, group);
    }
    return moved;
  }
  async unlink(group: number, instansi?: string[]): Promise<string[]> {
    const mine = await this.routesOf(group);
    const drop = instansi === undefined ? mine : mine.filter((id) => instansi.includes(id));
    for (const id of drop) this.routes.delete(id);
    return drop;
  }
  async routesOf(group: number): Promise<string[]> {
    return [...this.routes.entries()].filter(([, g]) => g === group).map(([id]) => id);
  }
  async setGroup(group: number, meta: GroupMeta): Promise<void> {
    this.groups.set(group, GroupMetaSchema.parse(meta));
  }
  async group(group: number): Promise<GroupMeta | undefined> {
    return this.groups.get(group);
  }
  async allow(key: string, limit: number, windowMs: number, now: number): Promise<boolean> {
    const start = Math.floor(now / windowMs) * windowMs;
    const w = this.windows.get(key);
    const current = w !== undefined && w.start === start ? w : { start, count: 0 };
    if (current.count >= limit) return false;
    current.count++;
    this.windows.set(key, current);
    return true;
  }
}
