// The chart of `pnpm bench`: each server's req/s as a ratio of raw node:http's, one group of
// bars per scenario, written as a standalone SVG (no dependency, readable on GitHub).

const COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#1f78b4"];
const escape = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * An SVG bar chart of `ratios` (`{ scenario, server, ratio }`), grouped by scenario in the
 * order of `scenarios` (`{ id, name }`), one color per server in the order of `servers`.
 * A dashed line marks 1.0 (raw node:http).
 */
export function ratioChart({ title, scenarios, servers, ratios }) {
  const bar = 11;
  const gap = 14;
  const left = 300;
  const width = 900;
  const plot = width - left - 60;
  const top = 48;
  const max = Math.max(1.1, ...ratios.map((r) => r.ratio));
  const x = (ratio) => left + (ratio / max) * plot;
  const shown = scenarios.filter((s) => ratios.some((r) => r.scenario === s.id));
  const groupHeight = (s) => ratios.filter((r) => r.scenario === s.id).length * bar + gap;
  const plotHeight = shown.reduce((sum, s) => sum + groupHeight(s), 0);
  const legendRows = Math.ceil(servers.length / 5);
  const height = top + plotHeight + 30 + legendRows * 18 + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let tick = 0; tick <= max + 1e-9; tick += 0.25) {
    const tx = x(tick).toFixed(1);
    const strong = Math.abs(tick - 1) < 1e-9;
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + plotHeight}" stroke="${strong ? "#000" : "#ddd"}"${strong ? ' stroke-dasharray="4 3"' : ""}/>`,
      `<text x="${tx}" y="${top - 10}" text-anchor="middle" fill="#555">${tick.toFixed(2)}</text>`,
    );
  }
  let y = top;
  for (const s of shown) {
    const rows = servers
      .map((server) => ratios.find((r) => r.scenario === s.id && r.server === server))
      .filter(Boolean);
    parts.push(
      `<text x="${left - 8}" y="${(y + (rows.length * bar) / 2 + 4).toFixed(1)}" text-anchor="end">${escape(`${s.id}. ${s.name}`)}</text>`,
    );
    for (const r of rows) {
      const color = COLORS[servers.indexOf(r.server) % COLORS.length];
      parts.push(
        `<rect x="${left}" y="${y}" width="${(x(r.ratio) - left).toFixed(1)}" height="${bar - 2}" fill="${color}"><title>${escape(`${r.server}: ${r.ratio.toFixed(2)} × raw`)}</title></rect>`,
        `<text x="${(x(r.ratio) + 3).toFixed(1)}" y="${y + bar - 3}" font-size="9" fill="#333">${r.ratio.toFixed(2)}</text>`,
      );
      y += bar;
    }
    y += gap;
  }
  const legendTop = top + plotHeight + 24;
  servers.forEach((server, i) => {
    const lx = left + (i % 5) * 120;
    const ly = legendTop + Math.floor(i / 5) * 18;
    parts.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${lx + 14}" y="${ly}">${escape(server)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
