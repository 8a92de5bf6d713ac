import { MSG } from "./flow/messages.ts";
import { type Transition, transition, type World } from "./flow/transition.ts";
import type { Event } from "./protocol.ts";
import { parseSession } from "./session.ts";
import { holdsSecret } from "./validate/secret.ts";

export interface Decision extends Transition {
  /** Stored data was present but unreadable (foreign or corrupt): started afresh. */
  recoveredFrom?: string;
}

/**
 * Parses what the store returned (anything), runs the pure transition, and
 * apologises when the stored data could not be used. Pure.
 */
export function decide(world: World, stored: unknown, event: Event, now: number): Decision {
  if (stored === undefined || stored === null) return transition(world, undefined, event, now);
  const parsed = parseSession(stored);
  if (parsed.ok) return transition(world, parsed.session, event, now);
  // An edit without a secret is ignored: no apology for data the user did not touch.
  if (event.type === "edited" && !holdsSecret(event.text)) return transition(world, undefined, event, now);
  // A text is not answered after an apology, unless it holds a secret: then it must still be deleted.
  const restart = (event.type === "text" && !holdsSecret(event.text)) || event.type === "button";
  const fresh = transition(world, undefined, restart ? { type: "start" } : event, now);
  return {
    session: fresh.session,
    effects: [{ type: "reply", text: MSG.recovered }, ...fresh.effects],
    recoveredFrom: parsed.reason,
  };
}
