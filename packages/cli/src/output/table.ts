// Plain-text tables for the terminal: aligned columns, optional colour for the header, no borders to copy around.
import picocolors from "picocolors";

const pc = picocolors.createColors(true);
import { safe } from "./format.js";

/** A column: its header and how to align it. */
export interface Column {
  header: string;
  align?: "left" | "right";
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return [...s.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(s)));
  return align === "right" ? fill + s : s + fill;
}

/** Renders rows under headers; cells are sanitised of control characters. */
export function table(columns: Column[], rows: string[][], opts: { color: boolean }): string {
  const cells = rows.map((r) => r.map((c) => safe(c)));
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i] ?? ""))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i]!, columns[i]!.align ?? "left"))
      .join("  ")
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  const out = [opts.color ? pc.bold(header) : header, ...cells.map(line)];
  return out.join("\n") + "\n";
}

/** Renders `key: value` lines with aligned values (for `inspect` commands). */
export function keyValues(pairs: [string, string][], opts: { color: boolean }): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return (
    pairs.map(([k, v]) => `${opts.color ? pc.dim(k.padEnd(width)) : k.padEnd(width)}  ${safe(v)}`).join("\n") + "\n"
  );
}
