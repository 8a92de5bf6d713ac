/** `npm run chat`: the flows in the terminal, in memory, no token, no network. */
import { runChat } from "./adapters/terminal/chat.ts";
import { loadWorld } from "./app/world.ts";

try {
  const world = await loadWorld();
  await runChat({
    world,
    input: process.stdin,
    output: process.stdout,
    interactive: process.stdin.isTTY === true,
  });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
