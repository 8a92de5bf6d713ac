import {
  addTally,
  type DashboardPrincipal,
  type JourneyBatch,
  type JourneyLog,
  NO_STEPS,
  type SignInStore,
  type StepCounts,
  type StepTally,
} from "../../stores.ts";

type Counts = StepTally;

function add(map: Map<string, Counts>, key: string, c: Counts): void {
  map.set(key, addTally(map.get(key) ?? NO_STEPS, c));
}

/** Sums rows keyed "<bucket>\t<flow>\t<state>" whose bucket passes `keep`, by flow and state, in byte order. */
function sum(map: Map<string, Counts>, keep: (bucket: string) => boolean): StepCounts[] {
  const out = new Map<string, Counts>();
  for (const [key, c] of map) {
    const [bucket = "", flow = "", state = ""] = key.split("\t");
    if (keep(bucket)) add(out, `${flow}\t${state}`, c);
  }
  return [...out]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, c]) => {
      const [flow = "", state = ""] = key.split("\t");
      return { flow, state, ...c };
    });
}

/** The dashboard's records in process memory (`npm run chat`, tests, a bot without DATABASE_URL). */
export class MemoryDashboardStore implements SignInStore, JourneyLog {
  private readonly links = new Map<string, { principal: string; expiresAt: number }>();
  private readonly sessions = new Map<string, { principal: string; expiresAt: number }>();
  private readonly days = new Map<string, Counts>();
  private readonly hours = new Map<string, Counts>();
  private readonly faq = new Map<string, { used: number; unsure: number }>();

  async saveLink(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void> {
    this.links.set(hash, { principal: JSON.stringify(principal), expiresAt });
  }

  async takeLink(hash: string, now: number): Promise<DashboardPrincipal | undefined> {
    const link = this.links.get(hash);
    this.links.delete(hash);
    return link === undefined || link.expiresAt <= now ? undefined : JSON.parse(link.principal);
  }

  async saveSession(hash: string, principal: DashboardPrincipal, expiresAt: number): Promise<void> {
    this.sessions.set(hash, { principal: JSON.stringify(principal), expiresAt });
  }

  async session(hash: string, now: number): Promise<DashboardPrincipal | undefined> {
    const s = this.sessions.get(hash);
    return s === undefined || s.expiresAt <= now ? undefined : JSON.parse(s.principal);
  }

  async endSession(hash: string): Promise<void> {
    this.sessions.delete(hash);
  }

  async purgeSignIns(now: number): Promise<number> {
    let n = 0;
    for (const map of [this.links, this.sessions])
      for (const [hash, { expiresAt }] of map)
        if (expiresAt <= now) {
          map.delete(hash);
          n++;
        }
    return n;
  }

  async addJourneys(batch: JourneyBatch): Promise<void> {
    for (const { day, flow, state, ...c } of batch.days) add(this.days, `${day}\t${flow}\t${state}`, c);
    for (const { hour, flow, state, ...c } of batch.hours) add(this.hours, `${hour}\t${flow}\t${state}`, c);
    for (const { day, entry, used, unsure } of batch.faq) {
      const was = this.faq.get(`${day}\t${entry}`) ?? { used: 0, unsure: 0 };
      this.faq.set(`${day}\t${entry}`, { used: was.used + used, unsure: was.unsure + unsure });
    }
  }

  async steps(fromDay: string, toDay: string): Promise<StepCounts[]> {
    return sum(this.days, (day) => day >= fromDay && day <= toDay);
  }

  async recentSteps(since: number): Promise<StepCounts[]> {
    return sum(this.hours, (hour) => Number(hour) >= since);
  }

  async faqUses(fromDay: string, toDay: string): Promise<{ entry: string; used: number; unsure: number }[]> {
    const out = new Map<string, { used: number; unsure: number }>();
    for (const [key, c] of this.faq) {
      const [day = "", entry = ""] = key.split("\t");
      if (day < fromDay || day > toDay) continue;
      const was = out.get(entry) ?? { used: 0, unsure: 0 };
      out.set(entry, { used: was.used + c.used, unsure: was.unsure + c.unsure });
    }
    return [...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([entry, c]) => ({ entry, ...c }));
  }

  async purgeHours(before: number): Promise<number> {
    let n = 0;
    for (const key of this.hours.keys())
      if (Number(key.split("\t")[0]) < before) {
        this.hours.delete(key);
        n++;
      }
    return n;
  }
}
