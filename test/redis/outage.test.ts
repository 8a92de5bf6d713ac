import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisChatStore } from "../../src/adapters/redis/chat-store.ts";
import { createRedis, type RedisClient, waitReady } from "../../src/adapters/redis/connect.ts";
import { loadWorld } from "../../src/app/world.ts";
import { createTestBot } from "../helpers/bot-harness.ts";
import { HAVE_REDIS_SERVER, OwnRedis } from "../helpers/redis-server.ts";

const SKIP = !HAVE_REDIS_SERVER && !process.env.CI;

describe.skipIf(SKIP)(
  HAVE_REDIS_SERVER
    ? "Redis outage (own redis-server, stopped and started)"
    : "SKIPPED: redis-server not installed",
  () => {
    const server = new OwnRedis();
    let redis: RedisClient;
    beforeAll(async () => {
      await server.start();
      redis = createRedis(server.url);
      await waitReady(redis);
    });
    afterAll(async () => {
      redis?.disconnect();
      await server.destroy();
    });

    it("answers 'sedang ada gangguan', keeps no half-written session, and recovers by itself", async () => {
      const world = await loadWorld();
      const store = new RedisChatStore({ redis, prefix: "pandu", ttlSeconds: 3600 });
      const t = createTestBot(world, { store });
      const sent = () => t.calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));

      await t.text(81, "/start");
      await t.tap(
        81,
        world.buttons.encode({
          kind: "step",
          flow: "menu",
          state: "mulai",
          index: 0,
          hash: world.flows.states.get("menu/mulai")!.hash,
        }),
      );
      const before = await store.peek("tg:81");
      expect(before).toMatchObject({ flow: "aktivasi", state: "mulai" });

      await server.stop();
      const count = sent().length;
      await t.text(81, "198609262015051001");
      await t.tap(81, "g|menu");
      expect(sent().slice(count)).toEqual([
        "Maaf, sedang ada gangguan, silakan coba beberapa saat lagi.",
        "Maaf, sedang ada gangguan, silakan coba beberapa saat lagi.",
      ]);

      await server.start();
      await waitReady(redis, 10_000);
      expect(await store.peek("tg:81")).toEqual(before);
      await t.text(81, "198609262015051001");
      expect(sent().at(-1)).toContain("PNS · lahir 26-09-1986");
      expect(await store.peek("tg:81")).toMatchObject({ flow: "aktivasi", state: "nip-cek" });
    }, 30_000);
  },
);
