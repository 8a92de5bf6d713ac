/**
 * The throughput scenario every framework goes through: the activation journey
 * with 1,000 chats in flight, then one chat at a time, then one chat walked step
 * by step to measure what the store holds per session.
 */
import { ACTIVATION, ACTIVATION_END } from "./journey.ts";
import type { RedisFigures, RedisMeter } from "./redis.ts";
import {
  type BenchOptions,
  collect,
  cpuMicros,
  type DriveContext,
  driveChat,
  driveInFlight,
  MB,
  memory,
  now,
  PeakMemory,
  type RunResult,
  round,
  Samples,
  type StoredSize,
  type Subject,
} from "./util.ts";

export const IN_FLIGHT = 1000;

export interface ModeResult extends RunResult {
  redis?: RedisFigures;
}

export interface SessionSize {
  /** Largest stored session JSON along the journey (bytes). */
  maxJson: number;
  /** Stored session JSON after the last update (0: the framework deleted it). */
  finalJson: number;
  /** Largest value of the framework's other per-chat keys (Pandu: dedupe ids). */
  maxExtra?: number;
  /** Largest Redis MEMORY USAGE of all the chat's keys together. */
  maxRedisMemory?: number;
  /** Size after each update of the journey (JSON bytes). */
  perStep: number[];
}

export interface ThroughputResult {
  scenario: string;
  framework: string;
  store: "memory" | "redis";
  updatesPerJourney: number;
  inFlight: ModeResult;
  sequential: ModeResult;
  session: SessionSize;
  /** Pandu only: the largest session over the test transcripts' journeys. */
  transcripts?: {
    max: number;
    file: string;
    perFile: Record<string, number>;
    incomplete: string[];
  };
  notes: string[];
}

interface Plan {
  warmChats: number;
  rounds: number;
  minSeconds: number;
  seqSeconds: number;
  seqMinChats: number;
  seqWarmSeconds: number;
}

function plan(bench: BenchOptions): Plan {
  return bench.quick
    ? { warmChats: 100, rounds: 1, minSeconds: 0, seqSeconds: 0.5, seqMinChats: 10, seqWarmSeconds: 0.2 }
    : { warmChats: 1000, rounds: 3, minSeconds: 6, seqSeconds: 4, seqMinChats: 100, seqWarmSeconds: 1.5 };
}

async function measure(
  subject: Subject,
  meter: RedisMeter | undefined,
  body: (ctx: DriveContext) => Promise<void>,
  ids: { update: number },
): Promise<ModeResult> {
  const samples = new Samples();
  const peak = new PeakMemory();
  const ctx: DriveContext = { subject, steps: ACTIVATION, samples, peak, ids, expectEnd: ACTIVATION_END };
  subject.fake.resetCounts();
  collect(); // start from a clean heap: no garbage of the warm-up or of the previous mode's bot
  await meter?.start();
  peak.sample();
  const cpu = cpuMicros();
  const started = now();
  await body(ctx);
  const seconds = (now() - started) / 1000;
  const cpuUs = cpuMicros() - cpu;
  peak.sample();
  const redis = meter === undefined ? undefined : await meter.stop(samples.length);
  const after = memory();
  const latency = samples.summary();
  return {
    updates: samples.length,
    seconds: round(seconds, 3),
    updatesPerSecond: samples.length / seconds,
    latency,
    heapMB: after.heapUsed / MB,
    heapPeakMB: peak.heap / MB,
    rssPeakMB: Math.max(peak.rss, after.rss) / MB,
    cpuUsPerUpdate: cpuUs / samples.length,
    apiCallsPerUpdate: subject.fake.totalCalls() / samples.length,
    ...(redis !== undefined ? { redis } : {}),
  };
}

/** Walks one fresh chat through the journey, reading the store after every update. */
export async function sessionSize(
  subject: Subject,
  chatId: number,
  ids: { update: number },
): Promise<SessionSize> {
  const perStep: number[] = [];
  let maxExtra: number | undefined;
  let maxRedisMemory: number | undefined;
  const samples = new Samples();
  for (let i = 0; i < ACTIVATION.length; i++) {
    const ctx: DriveContext = { subject, steps: ACTIVATION.slice(i, i + 1), samples, ids };
    await driveChat(ctx, chatId, true);
    const size: StoredSize | undefined = await subject.stored(chatId);
    perStep.push(size?.json ?? 0);
    if (size?.extra !== undefined) maxExtra = Math.max(maxExtra ?? 0, size.extra);
    if (size?.redisMemory !== undefined) maxRedisMemory = Math.max(maxRedisMemory ?? 0, size.redisMemory);
  }
  subject.fake.forget(chatId);
  return {
    maxJson: Math.max(...perStep),
    finalJson: perStep[perStep.length - 1] ?? 0,
    ...(maxExtra !== undefined ? { maxExtra } : {}),
    ...(maxRedisMemory !== undefined ? { maxRedisMemory } : {}),
    perStep,
  };
}

/** A fresh bot with an empty store (and, on Redis, the meter of its client). */
export type Factory = () => Promise<{ subject: Subject; meter?: RedisMeter }>;

/**
 * Warm-up, 1,000 chats in flight, one chat at a time, per-session size. Each
 * mode gets a fresh bot and an empty store (same process, so the JIT stays
 * warm), so the sessions left by one mode do not weigh on the next one's GC.
 */
export async function throughput(
  scenario: string,
  factory: Factory,
  store: "memory" | "redis",
  bench: BenchOptions,
  notes: string[] = [],
): Promise<ThroughputResult> {
  const p = plan(bench);
  const ids = { update: 10_000 };
  let chat = 1_000_000;
  const log = (msg: string) => process.stderr.write(`  ${scenario}: ${msg}\n`);
  // A new bot has new closures, whose type feedback V8 collects afresh: warm each bot up on its own.
  const warm = async (subject: Subject, inFlight: number, sequentialSeconds: number) => {
    const ctx: DriveContext = {
      subject,
      steps: ACTIVATION,
      samples: new Samples(),
      ids,
      expectEnd: ACTIVATION_END,
    };
    if (inFlight > 0) await driveInFlight(ctx, chat, inFlight);
    chat += inFlight;
    const started = now();
    for (let i = 0; i < 20 || (now() - started) / 1000 < sequentialSeconds; i++) await driveChat(ctx, chat++);
  };

  // Warm-up (JIT, caches, Redis scripts loaded): the same work, not measured.
  let { subject, meter } = await factory();
  let name = subject.name;
  let inFlight: ModeResult;
  let sequential: ModeResult;
  let session: SessionSize;
  try {
    await warm(subject, p.warmChats, 0);
    log(`${IN_FLIGHT} chats in flight`);
    inFlight = await measure(
      subject,
      meter,
      async (ctx) => {
        const started = now();
        let rounds = 0;
        while (rounds < p.rounds || (now() - started) / 1000 < p.minSeconds) {
          await driveInFlight(ctx, chat, IN_FLIGHT);
          chat += IN_FLIGHT;
          rounds++;
        }
      },
      ids,
    );
  } finally {
    await subject.close();
  }

  ({ subject, meter } = await factory());
  name = subject.name;
  try {
    await warm(subject, 0, p.seqWarmSeconds);
    log("one chat at a time");
    sequential = await measure(
      subject,
      meter,
      async (ctx) => {
        const started = now();
        let chats = 0;
        while (chats < p.seqMinChats || (now() - started) / 1000 < p.seqSeconds) {
          await driveChat(ctx, chat++);
          chats++;
        }
      },
      ids,
    );
    session = await sessionSize(subject, chat++, ids);
  } finally {
    await subject.close();
  }
  return {
    scenario,
    framework: name,
    store,
    updatesPerJourney: ACTIVATION.length,
    inFlight,
    sequential,
    session,
    notes,
  };
}
