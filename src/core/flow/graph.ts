import type { CompiledFlows } from "./compile.ts";
import type { Text } from "./schema.ts";

/** Mermaid diagrams (one fenced block per flow) of the compiled flows. Pure. */
export function flowsToMermaid(flows: CompiledFlows): string {
  const blocks: string[] = [];
  for (const flow of flows.flows.values()) {
    const lines = [`### ${flow.id}: ${textOf(flow.title)}`, "", "```mermaid", "flowchart TD"];
    const node = (key: string) => key.replace(/[/-]/g, "_");
    for (const state of flow.states.values()) {
      const shape =
        state.end === "success"
          ? `(["${state.id} ✓"])`
          : state.end === "handoff"
            ? `[["${state.id}"]]`
            : `["${state.id}"]`;
      lines.push(`  ${node(state.key)}${shape}`);
    }
    for (const state of flow.states.values()) {
      state.buttons.forEach((b) => {
        for (const branch of b.next ?? []) {
          const label = clean(textOf(b.label)) + (branch.guard !== undefined ? " ?" : "");
          const target = branch.to.startsWith(`${flow.id}/`)
            ? node(branch.to)
            : `${node(branch.to)}[/"${branch.to}"/]`;
          lines.push(`  ${node(state.key)} -->|"${label}"| ${target}`);
        }
      });
      for (const branch of state.input?.next ?? []) {
        const target = branch.to.startsWith(`${flow.id}/`)
          ? node(branch.to)
          : `${node(branch.to)}[/"${branch.to}"/]`;
        lines.push(`  ${node(state.key)} -.->|"${state.input?.kind} ✓"| ${target}`);
      }
    }
    lines.push("```", "");
    blocks.push(lines.join("\n"));
  }
  return blocks.join("\n");
}

/** A flow text in Indonesian (the default language). */
export function textOf(text: Text): string {
  return typeof text === "string" ? text : text.id;
}

function clean(label: string): string {
  return label
    .replace(/["{}|]/g, "'")
    .replace(/\s+/g, " ")
    .slice(0, 40);
}
