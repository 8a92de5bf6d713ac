/**
 * Growth: (1) journeys of 10, 50 and 200 updates (the captcha retry loop of the
 * activation flow), one chat at a time, comparing the cost of an update deep in
 * the journey; (2) 1k and 100k live sessions in memory, heap per session.
 */
import { createConversationsMemory } from "./conversations.ts";
import { LIVE_SESSION, LIVE_SESSION_END, longJourney, longJourneyEnd } from "./journey.ts";
import { createPanduMemory } from "./pandu.ts";
import { createTelegrafMemory } from "./telegraf.ts";
import {
  type BenchOptions,
  collect,
  type DriveContext,
  driveChat,
  driveInFlight,
  type LatencySummary,
  MB,
  memory,
  now,
  round,
  Samples,
  type Subject,
} from "./util.ts";

export type Framework = "pandu" | "conversations" | "telegraf";

export const FACTORIES: Record<Framework, () => Promise<Subject>> = {
  pandu: createPanduMemory,
  conversations: createConversationsMemory,
  telegraf: createTelegrafMemory,
};

// ---------------------------------------------------------------- long journeys

export const JOURNEY_LENGTHS = [10, 50, 200] as const;
/** The last updates of every journey: all taps of the retry loop, so comparable across lengths. */
const TAIL = 3;

export interface JourneyGrowth {
  steps: number;
  journeys: number;
  updates: number;
  updatesPerSecond: number;
  /** Every update of the journey. */
  latency: LatencySummary;
  /** The last 3 updates of each journey (taps deep in the journey). */
  tail: LatencySummary;
  /** What the store holds for the chat at the end of the journey (JSON bytes). */
  storedBytes: number;
}

export interface GrowthResult {
  scenario: string;
  framework: Framework;
  journeys: JourneyGrowth[];
  /** Tail cost at 200 steps ÷ at 10 steps. */
  tailRatio200vs10: number;
}

export async function journeyGrowth(framework: Framework, bench: BenchOptions): Promise<GrowthResult> {
  const results: JourneyGrowth[] = [];
  const budget = bench.quick ? 0.3 : 2.5;
  const minJourneys = bench.quick ? 2 : 3;
  for (const n of JOURNEY_LENGTHS) {
    const subject = await FACTORIES[framework]();
    const steps = longJourney(n);
    const head = steps.slice(0, n - TAIL);
    const tailSteps = steps.slice(n - TAIL);
    const ids = { update: 10_000 };
    const all = new Samples();
    const tail = new Samples();
    const headCtx: DriveContext = { subject, steps: head, samples: all, ids };
    const tailCtx: DriveContext = {
      subject,
      steps: tailSteps,
      samples: tail,
      ids,
      expectEnd: longJourneyEnd(n),
    };
    let chat = 2_000_000;
    const journey = async () => {
      const id = chat++;
      await driveChat(headCtx, id, true);
      const before = tail.length;
      await driveChat(tailCtx, id, true);
      for (let i = before; i < tail.length; i++) all.push(tail.at(i));
      subject.fake.forget(id);
    };
    // warm-up
    const warm = now();
    for (let i = 0; i < minJourneys - 1 || (now() - warm) / 1000 < budget / 4; i++) await journey();
    all.length = 0;
    tail.length = 0;
    const started = now();
    let journeys = 0;
    while (journeys < minJourneys || (now() - started) / 1000 < budget) {
      await journey();
      journeys++;
    }
    const seconds = (now() - started) / 1000;
    // Size of a finished journey's stored state.
    const probe = chat++;
    await driveChat({ subject, steps, samples: new Samples(), ids }, probe);
    const stored = (await subject.stored(probe))?.json ?? 0;
    await subject.close();
    results.push({
      steps: n,
      journeys,
      updates: journeys * n,
      updatesPerSecond: (journeys * n) / seconds,
      latency: all.summary(),
      tail: tail.summary(),
      storedBytes: stored,
    });
    process.stderr.write(`  growth-${framework}: ${n} steps done\n`);
  }
  const t10 = results[0]!.tail.p50Ms;
  const t200 = results[results.length - 1]!.tail.p50Ms;
  return {
    scenario: `growth-${framework}`,
    framework,
    journeys: results,
    tailRatio200vs10: round(t200 / t10, 2),
  };
}

// ---------------------------------------------------------------- live sessions

export interface LiveSessions {
  sessions: number;
  seconds: number;
  /** Heap growth after GC ÷ sessions. */
  heapBytesPerSession: number;
  /** Stored JSON per session (average of a sample). */
  jsonBytesPerSession: number;
  heapMB: number;
  rssMB: number;
}

export interface SessionsResult {
  scenario: string;
  framework: Framework;
  live: LiveSessions[];
}

export function liveSessionCounts(framework: Framework, bench: BenchOptions): number[] {
  if (bench.quick) return framework === "conversations" ? [1_000, 2_000] : [1_000, 5_000];
  return framework === "conversations" ? [1_000, 20_000] : [1_000, 100_000];
}

export async function liveSessions(framework: Framework, bench: BenchOptions): Promise<SessionsResult> {
  const live: LiveSessions[] = [];
  for (const n of liveSessionCounts(framework, bench)) {
    let subject: Subject | undefined = await FACTORIES[framework]();
    const ids = { update: 10_000 };
    const samples = new Samples();
    const ctx: DriveContext = { subject, steps: LIVE_SESSION, samples, ids, expectEnd: LIVE_SESSION_END };
    // warm-up on chats that are then part of the baseline
    await driveInFlight(ctx, 1, 200);
    const base = memory();
    const started = now();
    const batch = 1000;
    for (let first = 0; first < n; first += batch)
      await driveInFlight(ctx, 3_000_000 + first, Math.min(batch, n - first));
    const seconds = (now() - started) / 1000;
    samples.length = 0;
    const after = memory();
    let json = 0;
    const sample = Math.min(100, n);
    for (let i = 0; i < sample; i++) json += (await subject.stored(3_000_000 + i))?.json ?? 0;
    live.push({
      sessions: n,
      seconds: round(seconds, 2),
      heapBytesPerSession: (after.heapUsed - base.heapUsed) / n,
      jsonBytesPerSession: json / sample,
      heapMB: after.heapUsed / MB,
      rssMB: after.rss / MB,
    });
    await subject.close();
    subject = undefined;
    collect();
    process.stderr.write(`  sessions-${framework}: ${n} live sessions done\n`);
  }
  return { scenario: `sessions-${framework}`, framework, live };
}
