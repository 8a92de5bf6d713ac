import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMetrics } from "../../src/adapters/metrics.ts";

/** Series Prometheus makes itself, not Pandu: allowed in queries although no registry has them. */
const FROM_PROMETHEUS: Record<string, string[]> = { up: ["job", "instance"] };
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ["job", "instance"];

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync("deploy/grafana/pandu.json", "utf8")) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query?: string | { query: string } }[] };
};
const alerts = parse(readFileSync("deploy/prometheus/alerts.yml", "utf8")) as {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
};

const dashboardExprs = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })),
);
const variableExprs = dashboard.templating.list.flatMap((v) =>
  typeof v.query === "object" ? [{ where: `variable ${v.name}`, expr: v.query.query }] : [],
);
const alertExprs = alerts.groups.flatMap((g) =>
  g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
);
const ALL = [...dashboardExprs, ...variableExprs, ...alertExprs];

/** Every series name Pandu exports (histograms as their _bucket/_sum/_count), with its label names. */
async function exported(): Promise<Map<string, string[]>> {
  const metrics = createMetrics();
  await metrics.render(); // default metrics are created on first collection
  const names = new Map<string, string[]>();
  for (const { name, type } of await metrics.registry.getMetricsAsJSON()) {
    // prom-client keeps each instrument's label names on it, untyped.
    const { labelNames = [] } = metrics.registry.getSingleMetric(name) as unknown as {
      labelNames?: string[];
    };
    if (String(type) === "histogram") {
      names.set(`${name}_bucket`, [...labelNames, "le"]);
      names.set(`${name}_sum`, labelNames);
      names.set(`${name}_count`, labelNames);
    } else names.set(name, labelNames);
  }
  for (const [name, labels] of Object.entries(FROM_PROMETHEUS)) names.set(name, labels);
  return names;
}

/** Metric names in a PromQL expression: Pandu's, Node's (process_, nodejs_) and Prometheus' own `up`. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(pandu_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|up)\b(?!\s*\()/g)].map(
    (m) => m[1]!,
  );
}

/** `name{a="x", b=~"y"}` → [name, [a, b]] for each selector with matchers. */
function selectors(expr: string): [string, string[]][] {
  return [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((m) => [
    m[1]!,
    [...m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!),
  ]);
}

describe("deploy/grafana/pandu.json", () => {
  it("is a dashboard whose every panel queries the chosen Prometheus", () => {
    expect(dashboard).toMatchObject({ uid: "pandu", title: "Pandu" });
    const panels = dashboard.panels.filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(`\${datasource}`);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it.each([
    ["traffic", /pandu_updates_total/],
    ["latency", /pandu_update_duration_seconds_bucket/],
    ["funnel per flow step", /by \(flow, state\).*pandu_flow_state_entries_total/],
    ["desk backlog", /pandu_outbox_pending|pandu_case_oldest_unclaimed_age_seconds/],
    ["errors", /pandu_errors_total/],
  ])("shows %s", (_, pattern) => {
    expect(dashboardExprs.some((e) => pattern.test(e.expr))).toBe(true);
  });
});

describe("deploy/prometheus/alerts.yml", () => {
  it.each([
    ["dead letters > 0", "PanduDeadLetters", /pandu_outbox_dead_letters > 0/],
    ["a case unclaimed for hours", "PanduCaseUnclaimed", /pandu_case_oldest_unclaimed_age_seconds > \d/],
    ["the outbox backlog growing", "PanduOutboxBacklogGrowing", /pandu_outbox_pending/],
    ["the error rate", "PanduErrorRate", /pandu_errors_total/],
    ["Redis down", "PanduRedisDown", /pandu_store_up\{store="redis"\} == 0/],
    ["PostgreSQL down", "PanduPostgresDown", /pandu_store_up\{store="postgres"\} == 0/],
  ])("alerts on %s", (_, name, pattern) => {
    const rule = alerts.groups.flatMap((g) => g.rules).find((r) => r.alert === name);
    expect(rule?.expr).toMatch(pattern);
    expect(rule?.labels?.severity).toMatch(/^(critical|warning|info)$/);
    expect(rule?.annotations?.summary).toBeTruthy();
  });
});

describe("dashboard and alerts query only series Pandu exports", () => {
  it.each(ALL.map((e) => [e.where, e.expr]))("%s", async (_, expr) => {
    const names = await exported();
    const used = metricNames(expr);
    expect(used.length, `no known metric in: ${expr}`).toBeGreaterThan(0);
    for (const name of used) expect([...names.keys()], `unknown metric in: ${expr}`).toContain(name);
    for (const [name, labels] of selectors(expr)) {
      const known = names.get(name);
      if (known === undefined) continue;
      for (const label of labels)
        expect([...known, ...TARGET_LABELS], `${name}{${label}} in: ${expr}`).toContain(label);
    }
  });
});

const HAVE_PROMTOOL = spawnSync("promtool", ["--version"]).status === 0;

describe.skipIf(!HAVE_PROMTOOL)(
  `promtool (${HAVE_PROMTOOL ? "installed" : "not installed: skipped; apt-get install prometheus"})`,
  () => {
    const promtool = (...args: string[]) => spawnSync("promtool", args, { encoding: "utf8" });

    it("checks and unit-tests the alert rules", () => {
      const check = promtool("check", "rules", "deploy/prometheus/alerts.yml");
      expect(check.stdout + check.stderr).toContain("SUCCESS");
      expect(check.status).toBe(0);
      const test = promtool("test", "rules", "deploy/prometheus/alerts.test.yml");
      expect(test.stdout + test.stderr).toContain("SUCCESS");
      expect(test.status).toBe(0);
    });

    it("parses every dashboard query as PromQL (as recording rules, Grafana's variables filled in)", () => {
      const fill = (expr: string) =>
        expr
          .replaceAll("$__rate_interval", "1m")
          .replaceAll("$__range", "1h")
          .replaceAll("$instance", ".*")
          .replaceAll("$flow", ".*");
      const rules = {
        groups: [
          {
            name: "dashboard",
            rules: [...dashboardExprs, ...variableExprs]
              .filter((e) => !e.expr.startsWith("label_values("))
              .map((e, i) => ({ record: `pandu_dashboard:query_${i}`, expr: fill(e.expr) })),
          },
        ],
      };
      const dir = mkdtempSync(join(tmpdir(), "pandu-promql-"));
      try {
        const file = join(dir, "dashboard.rules.yml");
        writeFileSync(file, JSON.stringify(rules));
        const check = promtool("check", "rules", resolve(file));
        expect(check.stdout + check.stderr).toContain("SUCCESS");
        expect(check.status).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
