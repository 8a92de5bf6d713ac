import type pg from "pg";

/**
 * One clock for every process: the database's. Each process measures its
 * offset to PostgreSQL's clock (half the round trip as the error bound) and
 * adds it to its own, so due times written by one instance mean the same to
 * another even when their clocks disagree.
 */
export class DatabaseClock {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (err: unknown) => void = () => undefined,
    /** This machine's clock (a parameter so a test can run one that is wrong). */
    private readonly local: () => number = Date.now,
  ) {}

  readonly now = (): number => this.local() + this.offset;

  /** Measures the offset now (three probes, the one with the shortest round trip wins). */
  async sync(): Promise<number> {
    let best: { rtt: number; offset: number } | undefined;
    for (let i = 0; i < 3; i++) {
      const sent = this.local();
      const { rows } = await this.pool.query<{ ms: string }>(
        "select (extract(epoch from clock_timestamp()) * 1000)::bigint as ms",
      );
      const received = this.local();
      const rtt = received - sent;
      const offset = Number(rows[0]!.ms) - (sent + received) / 2;
      if (best === undefined || rtt < best.rtt) best = { rtt, offset };
    }
    this.offset = Math.round(best!.offset);
    return this.offset;
  }

  /** Syncs now, then every `everyMs`. */
  async start(everyMs = 60_000): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => this.sync().catch(this.onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
