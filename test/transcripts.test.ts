import { beforeAll, describe, expect, it } from "vitest";
import { loadWorld } from "../src/app/world.ts";
import type { World } from "../src/core/flow/transition.ts";
import {
  botDriver,
  type Driver,
  engineDriver,
  loadTranscripts,
  type Step,
  type Turn,
} from "./helpers/transcript.ts";

const transcripts = loadTranscripts("test/transcripts");
let world: World;
beforeAll(async () => {
  world = await loadWorld();
});

function check(step: Step, turn: Turn, where: string): void {
  const texts = turn.replies.map((r) => r.text);
  expect(turn.replies.length, `${where}: number of replies\n${texts.join("\n---\n")}`).toBe(step.bot.length);
  step.bot.forEach((expected, i) => {
    const reply = turn.replies[i]!;
    for (const part of [expected.says].flat()) expect(reply.text, `${where}: reply ${i + 1}`).toContain(part);
    for (const part of expected.not ?? []) expect(reply.text, `${where}: reply ${i + 1}`).not.toContain(part);
    const labels = reply.buttons.map((b) => b.label);
    if (expected.buttons !== undefined)
      expect(labels, `${where}: buttons of reply ${i + 1}`).toEqual(expected.buttons);
    for (const label of expected.has ?? [])
      expect(labels, `${where}: buttons of reply ${i + 1}`).toContain(label);
  });
  expect(turn.deleted, `${where}: user message deleted`).toBe(step.deleted ?? false);
  if (step.deleted && step.user !== undefined) {
    for (const text of texts)
      expect(text, `${where}: a deleted message is never echoed`).not.toContain(step.user);
    expect(JSON.stringify(turn.session), `${where}: a deleted message is never stored`).not.toContain(
      step.user,
    );
  }
  if (step.toast !== undefined) expect(turn.toasts.join(" "), `${where}: toast`).toContain(step.toast);
  if (step.state !== undefined)
    expect(`${turn.session.flow}/${turn.session.state}`, `${where}: state`).toBe(step.state);
  for (const [name, value] of Object.entries(step.vars ?? {})) {
    expect(turn.session.vars[name] ?? null, `${where}: var ${name}`).toBe(value);
  }
}

async function replay(driver: Driver, steps: Step[], label: string) {
  for (const [i, step] of steps.entries()) {
    const turn = await driver.step(step);
    check(step, turn, `${label} step ${i + 1} (${step.user ?? step.tap ?? step.media})`);
  }
}

describe.each(transcripts)("transcript $file", ({ transcript }) => {
  it(`${transcript.name}: pure engine`, async () => {
    await replay(engineDriver(world, transcript), transcript.steps, "engine");
  });
  it(`${transcript.name}: grammY bot`, async () => {
    const { driver, harness } = botDriver(world, transcript);
    await replay(driver, transcript.steps, "bot");
    const failed = harness.logs.lines.filter((l) => /"level":(50|60)/.test(l));
    expect(failed, "no error logged").toEqual([]);
  });
});
