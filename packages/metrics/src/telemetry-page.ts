const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The telemetry page: one self-contained HTML document (no CDN, no framework). Its
 * script listens to `stream` (SSE) and draws the charts as SVG by hand.
 */
export function telemetryPage(title: string, stream: string, interval: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  :root { --bg:#0d1117; --card:#161b22; --line:#30363d; --text:#e6edf3; --muted:#8b949e;
          --blue:#58a6ff; --green:#3fb950; --amber:#d29922; --red:#f85149; --violet:#bc8cff; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; justify-content:space-between; padding:16px 24px; border-bottom:1px solid var(--line); }
  h1 { font-size:18px; margin:0; font-weight:600; }
  #status { color:var(--muted); font-size:13px; }
  #status.live::before { content:""; display:inline-block; width:8px; height:8px; border-radius:50%; background:var(--green); margin-right:6px; }
  main { padding:20px 24px; display:grid; gap:16px; grid-template-columns:repeat(6, 1fr); }
  .card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
  .stat { grid-column:span 1; }
  .stat .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.05em; }
  .stat .value { font-size:28px; font-weight:600; margin-top:4px; font-variant-numeric:tabular-nums; }
  .stat .unit { font-size:13px; color:var(--muted); margin-left:4px; font-weight:400; }
  .chart { grid-column:span 3; }
  .chart h2, .routes h2 { font-size:13px; color:var(--muted); margin:0 0 8px; font-weight:500; }
  .legend span { margin-right:12px; font-size:12px; color:var(--muted); }
  .legend i { display:inline-block; width:10px; height:3px; margin-right:5px; vertical-align:middle; }
  svg { width:100%; height:160px; display:block; }
  svg text { fill:var(--muted); font-size:10px; }
  .routes { grid-column:span 6; }
  .route { display:grid; grid-template-columns:260px 1fr 110px; gap:12px; align-items:center; padding:5px 0; }
  .route code { font:12px ui-monospace, monospace; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
  .bar { height:10px; border-radius:5px; background:var(--line); overflow:hidden; }
  .bar div { height:100%; background:linear-gradient(90deg, var(--blue), var(--violet)); border-radius:5px; }
  .count { text-align:right; font-variant-numeric:tabular-nums; color:var(--muted); }
  .count b { color:var(--text); }
  .bad { color:var(--red); }
  @media (max-width: 900px) { main { grid-template-columns:repeat(2, 1fr); } .chart, .routes { grid-column:span 2; } }
</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><span id="status">connecting…</span></header>
<main>
  <div class="card stat"><div class="label">Requests / s</div><div class="value" id="rps">–</div></div>
  <div class="card stat"><div class="label">Latency p50</div><div class="value"><span id="p50">–</span><span class="unit">ms</span></div></div>
  <div class="card stat"><div class="label">Latency p99</div><div class="value"><span id="p99">–</span><span class="unit">ms</span></div></div>
  <div class="card stat"><div class="label">Error rate</div><div class="value"><span id="errors">–</span><span class="unit">%</span></div></div>
  <div class="card stat"><div class="label">Memory (RSS)</div><div class="value"><span id="rss">–</span><span class="unit">MB</span></div></div>
  <div class="card stat"><div class="label">Total requests</div><div class="value" id="total">–</div></div>
  <div class="card chart"><h2>Requests per second</h2><svg id="chart-rps" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
  <div class="card chart"><h2>Latency (ms) <span class="legend"><span><i style="background:var(--green)"></i>p50</span><span><i style="background:var(--amber)"></i>p90</span><span><i style="background:var(--red)"></i>p99</span></span></h2><svg id="chart-latency" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
  <div class="card chart"><h2>Memory (MB) <span class="legend"><span><i style="background:var(--violet)"></i>RSS</span><span><i style="background:var(--blue)"></i>heap used</span></span></h2><svg id="chart-memory" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
  <div class="card chart"><h2>Event-loop lag (ms) <span class="legend"><span><i style="background:var(--amber)"></i>mean</span><span>now <b id="lag">–</b></span></span></h2><svg id="chart-lag" viewBox="0 0 600 160" preserveAspectRatio="none"></svg></div>
  <div class="card routes"><h2>Busiest routes</h2><div id="routes"></div></div>
</main>
<script>
"use strict";
const POINTS = 60, W = 600, H = 160, PAD = 18;
let history = [];
const $ = (id) => document.getElementById(id);
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const NS = "http://www.w3.org/2000/svg";
function el(name, attrs) { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; }
function niceMax(v) { if (v <= 0) return 1; const p = 10 ** Math.floor(Math.log10(v)); return Math.ceil(v / p * 1.1) * p; }
function draw(svg, series, area) {
  svg.replaceChildren();
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  for (const f of [0, 0.5, 1]) {
    const y = H - PAD - f * (H - 2 * PAD);
    svg.append(el("line", { x1: 32, x2: W, y1: y, y2: y, stroke: "#30363d", "stroke-dasharray": f ? "3 4" : "" }));
    const t = el("text", { x: 0, y: y + 3 }); t.textContent = fmt(max * f, max * f < 10 && f ? 1 : 0); svg.append(t);
  }
  const x = (i) => 32 + (i + POINTS - series[0].values.length) * (W - 32) / (POINTS - 1);
  const y = (v) => H - PAD - (v / max) * (H - 2 * PAD);
  for (const s of series) {
    if (s.values.length === 0) continue;
    const d = s.values.map((v, i) => (i ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1)).join(" ");
    if (area) {
      const id = "g" + s.color.replace(/\\W/g, "");
      const grad = el("linearGradient", { id, x1: 0, x2: 0, y1: 0, y2: 1 });
      grad.append(el("stop", { offset: "0%", "stop-color": s.color, "stop-opacity": 0.35 }), el("stop", { offset: "100%", "stop-color": s.color, "stop-opacity": 0 }));
      const defs = el("defs", {}); defs.append(grad); svg.append(defs);
      svg.append(el("path", { d: d + " L" + x(s.values.length - 1).toFixed(1) + " " + (H - PAD) + " L" + x(0).toFixed(1) + " " + (H - PAD) + " Z", fill: "url(#" + id + ")" }));
    }
    svg.append(el("path", { d, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round", "vector-effect": "non-scaling-stroke" }));
  }
}
function render() {
  const last = history[history.length - 1];
  if (!last) return;
  const recent = history.slice(-POINTS);
  $("rps").textContent = fmt(last.rps, last.rps < 10 ? 1 : 0);
  $("p50").textContent = fmt(last.p50, 1);
  $("p99").textContent = fmt(last.p99, 1);
  $("errors").textContent = fmt(last.errorRate * 100, 1);
  $("errors").className = last.errorRate > 0 ? "bad" : "";
  $("rss").textContent = fmt(last.rss / 1048576);
  $("total").textContent = fmt(last.total);
  $("lag").textContent = fmt(last.eventLoopLag, 1);
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  draw($("chart-rps"), [{ values: recent.map((p) => p.rps), color: css("--blue") }], true);
  draw($("chart-latency"), [
    { values: recent.map((p) => p.p50), color: css("--green") },
    { values: recent.map((p) => p.p90), color: css("--amber") },
    { values: recent.map((p) => p.p99), color: css("--red") },
  ], false);
  draw($("chart-memory"), [
    { values: recent.map((p) => p.rss / 1048576), color: css("--violet") },
    { values: recent.map((p) => p.heapUsed / 1048576), color: css("--blue") },
  ], false);
  draw($("chart-lag"), [{ values: recent.map((p) => p.eventLoopLag), color: css("--amber") }], true);
  const top = last.routes[0] ? last.routes[0].count : 1;
  $("routes").replaceChildren(...last.routes.map((r) => {
    const row = document.createElement("div"); row.className = "route";
    const name = document.createElement("code"); name.textContent = r.route;
    const bar = document.createElement("div"); bar.className = "bar";
    const fill = document.createElement("div"); fill.style.width = (100 * r.count / top).toFixed(1) + "%"; bar.append(fill);
    const count = document.createElement("div"); count.className = "count";
    count.innerHTML = "<b>" + fmt(r.count) + "</b>" + (r.errors ? ' · <span class="bad">' + fmt(r.errors) + " 5xx</span>" : "");
    row.append(name, bar, count); return row;
  }));
}
const source = new EventSource(${JSON.stringify(stream)});
source.addEventListener("history", (e) => { history = JSON.parse(e.data); render(); });
source.onmessage = (e) => { history.push(JSON.parse(e.data)); if (history.length > 120) history.shift(); render(); };
source.onopen = () => { $("status").textContent = "Live · every ${interval} ms"; $("status").className = "live"; };
source.onerror = () => { $("status").textContent = "reconnecting…"; $("status").className = ""; };
</script>
</body>
</html>
`;
}
