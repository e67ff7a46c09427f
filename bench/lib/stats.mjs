// Small statistics and text-table helpers for the bench report.

/** Median of the finite numbers in `xs` (NaN when none). */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { median, min, max } of the finite numbers in `xs`. */
export function spread(xs) {
  const s = xs.filter((x) => Number.isFinite(x));
  return { median: median(s), min: s.length ? Math.min(...s) : NaN, max: s.length ? Math.max(...s) : NaN, n: s.length };
}

/** Formats a number with `digits` decimals and thousands separators; "–" for NaN/undefined. */
export function fmt(x, digits = 0) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "–";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "1.23×" with its per-run range, e.g. "1.23× (1.10–1.31)". */
export function fmtRatio(r) {
  if (!r || !Number.isFinite(r.median)) return "–";
  const range = r.n > 1 ? ` (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : "";
  return `${r.median.toFixed(2)}×${range}`;
}

/** Renders rows (arrays of strings) as a Markdown table; numeric-looking columns are right-aligned. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => String(r[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.every((r) => /^[\d,.–×()%≥≤<>/ -]*$/.test(String(r[c] ?? ""))));
  const cell = (v, c) => (numeric[c] ? String(v ?? "").padStart(widths[c]) : String(v ?? "").padEnd(widths[c]));
  const line = (r) => `| ${r.map(cell).join(" | ")} |`;
  const sep = `|${widths.map((w, c) => (numeric[c] ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), sep, ...rows.map(line)].join("\n");
}
