/**
 * The dashboard's static files, served by Pandu itself (no CDN): Chart.js from
 * node_modules, the small script that draws the charts from the pages' JSON
 * blocks, and the stylesheet. Each URL carries a hash of its content.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type AssetUrls, BASE } from "./dashboard-pages.ts";

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** Draws every <canvas data-chart> from its JSON block; marks it data-rendered when drawn. */
const SCRIPT = `"use strict";
(function () {
  var PALETTE = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#64748b", "#db2777", "#65a30d", "#ea580c"];
  var format = new Intl.NumberFormat("id-ID");
  function draw(canvas) {
    var block = document.getElementById("d-" + canvas.getAttribute("data-chart"));
    if (!block || typeof Chart === "undefined") return;
    var spec = JSON.parse(block.textContent);
    var stacked = spec.stacked === true;
    var valueAxis = { stacked: stacked, beginAtZero: true, ticks: { precision: 0, callback: function (v) { return format.format(v); } } };
    var labelAxis = { stacked: stacked, ticks: { autoSkip: !spec.horizontal } };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return { label: d.label, data: d.data, backgroundColor: d.color || PALETTE[i % PALETTE.length], borderWidth: 0, maxBarThickness: 40 };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        locale: "id-ID",
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: { legend: { display: spec.datasets.length > 1, position: "bottom", labels: { boxWidth: 12 } } }
      }
    });
    canvas.setAttribute("data-rendered", "1");
  }
  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    try { draw(canvases[i]); } catch (e) { canvases[i].setAttribute("data-error", String(e && e.message)); }
  }
})();
`;

const HEIGHTS = Array.from({ length: 11 }, (_, i) => i + 2)
  .map((k) => `.chart-h${k} { height: ${k * 60}px; }`)
  .join("\n");

const CSS = `:root { color-scheme: light; --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --bg: #f8fafc; --accent: #1d4ed8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
header { background: #0f3d91; color: #fff; padding: 0.6rem 1rem 0; }
header .top { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: baseline; justify-content: space-between; }
header .brand { font-weight: 700; font-size: 1.1rem; }
header .who { font-size: 0.9rem; opacity: 0.9; }
nav { display: flex; gap: 0.25rem; margin-top: 0.5rem; overflow-x: auto; }
nav a { color: #fff; text-decoration: none; padding: 0.5rem 0.8rem; border-radius: 0.4rem 0.4rem 0 0; white-space: nowrap; }
nav a[aria-current="page"] { background: var(--bg); color: var(--ink); font-weight: 600; }
nav a.out { margin-left: auto; opacity: 0.85; }
main { max-width: 70rem; margin: 0 auto; padding: 0.5rem 1rem 2rem; }
main.message { max-width: 36rem; padding-top: 2rem; }
h1 { font-size: 1.5rem; margin: 0.75rem 0 0.5rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.25rem; }
h2 small { color: var(--muted); font-weight: 400; }
form.period { display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; align-items: end; margin: 0.5rem 0; }
form.period label { display: flex; flex-direction: column; font-size: 0.85rem; color: var(--muted); }
form.period input, form.period select, form.period button { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid #cbd5e1; border-radius: 0.4rem; background: #fff; color: var(--ink); min-height: 2.5rem; }
form.period select { max-width: 16rem; }
form.period button { background: var(--accent); color: #fff; border-color: var(--accent); padding: 0.4rem 1rem; }
.quick { font-size: 0.9rem; color: var(--muted); margin: 0.25rem 0 1rem; }
.quick a { margin-right: 0.4rem; }
a { color: var(--accent); }
.notice { background: #fef3c7; border: 1px solid #f59e0b; padding: 0.5rem 0.75rem; border-radius: 0.4rem; }
dl.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10.5rem, 1fr)); gap: 0.6rem; margin: 0.5rem 0 1rem; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 0.6rem; padding: 0.6rem 0.75rem; margin: 0; }
.tile dt { font-size: 0.85rem; color: var(--muted); }
.tile dd { margin: 0.15rem 0 0; font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile dd.note { font-size: 0.8rem; font-weight: 400; color: var(--muted); }
figure.chart { position: relative; height: 260px; margin: 0.5rem 0 0.25rem; background: #fff; border: 1px solid var(--line); border-radius: 0.6rem; padding: 0.5rem 0.5rem 1.6rem; }
figure.chart canvas { display: block; }
figure.chart figcaption { position: absolute; bottom: 0.3rem; left: 0.75rem; font-size: 0.8rem; color: var(--muted); }
${HEIGHTS}
.scroll { overflow-x: auto; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 0.9rem; }
p.cap { font-size: 0.85rem; color: var(--muted); margin: 0.75rem 0 0.25rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f1f5f9; font-weight: 600; }
tbody th { font-weight: 400; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 0.85rem; }
ul.cols { columns: 2 16rem; padding-left: 1.2rem; }
footer { max-width: 70rem; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: 0.8rem; }
@media (max-width: 480px) {
  main { padding: 0.25rem 0.6rem 1.5rem; }
  h1 { font-size: 1.3rem; }
  .tile dd { font-size: 1.35rem; }
  dl.tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  table { font-size: 0.8rem; }
  th, td { padding: 0.3rem 0.35rem; }
}
`;

/** Reads Chart.js's UMD build from node_modules once (it is a dependency, present in production too). */
function chartJs(): Buffer {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"));
}

export interface Assets {
  urls: AssetUrls;
  /** By path under /dasbor/aset/. */
  files: Map<string, Asset>;
}

export function loadAssets(): Assets {
  const files = new Map<string, Asset>([
    ["chart.umd.min.js", { body: chartJs(), contentType: "text/javascript; charset=utf-8" }],
    ["dasbor.js", { body: Buffer.from(SCRIPT, "utf8"), contentType: "text/javascript; charset=utf-8" }],
    ["dasbor.css", { body: Buffer.from(CSS, "utf8"), contentType: "text/css; charset=utf-8" }],
  ]);
  const url = (name: string) =>
    `${BASE}/aset/${name}?v=${createHash("sha256").update(files.get(name)!.body).digest("hex").slice(0, 12)}`;
  return {
    urls: { css: url("dasbor.css"), chart: url("chart.umd.min.js"), script: url("dasbor.js") },
    files,
  };
}
