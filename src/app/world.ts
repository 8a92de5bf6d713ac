import { FlowLoadError, loadFlows } from "../adapters/files/load-flows.ts";
import { createButtonCodec } from "../core/callback-data.ts";
import type { World } from "../core/flow/transition.ts";
import { loadDirectory } from "../directory/load.ts";
import { loadFaq } from "../faq/load.ts";
import { createFaqIndex, FAQ_CONFIDENT, type FaqIndex } from "../faq/search.ts";
import { createMac, DEV_SECRET } from "./signing.ts";

export interface WorldOptions {
  flowsDir?: string;
  /** Key for signed buttons (see signing.ts); the runtime derives it from the bot token. */
  secret?: string;
}

/** The engine's world as loaded from files: the FAQ is the full index (its entries too). */
export type LoadedWorld = World & { faq: FaqIndex };

/**
 * Loads and checks everything the engine reads: flows, password policies, the
 * instansi directory and the FAQ. Throws with every problem listed.
 */
export async function loadWorld(options: WorldOptions = {}): Promise<LoadedWorld> {
  const dir = options.flowsDir ?? "flows";
  const [flows, directory, faq] = await Promise.all([
    loadFlows(dir),
    loadDirectory({ dataFile: `${dir}/data/instansi.yaml` }),
    loadFaq(`${dir}/faq`),
  ]);
  if (faq.problems.length > 0) {
    throw new FlowLoadError(faq.problems.map((message) => ({ file: `${dir}/faq`, message })));
  }
  return {
    flows,
    directory,
    faq: createFaqIndex(faq.entries),
    faqConfident: FAQ_CONFIDENT,
    buttons: createButtonCodec(createMac(options.secret ?? DEV_SECRET)),
  };
}
