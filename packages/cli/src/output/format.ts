// Human formatting of values for tables: payload previews, times, durations, byte sizes, numbers.

/** A payload shown as text when it is printable UTF-8, else as `<N bytes binary>` (never raw control bytes). */
export function payloadPreview(p: Uint8Array | null | undefined, max = 60): string {
  if (!p || p.length === 0) return "";
  const text = Buffer.from(p).toString("utf8");
  const printable =
    // eslint-disable-next-line no-control-regex
    Buffer.from(text, "utf8").equals(Buffer.from(p)) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text);
  if (!printable) return `<${p.length} bytes binary>`;
  const one = text.replace(/\s+/g, " ");
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Payload as a JSON-safe value for --json: UTF-8 text when valid, else base64 under a marker key. */
export function payloadJson(p: Uint8Array | null | undefined): { text: string } | { base64: string } | null {
  if (!p) return null;
  const text = Buffer.from(p).toString("utf8");
  if (Buffer.from(text, "utf8").equals(Buffer.from(p))) return { text };
  return { base64: Buffer.from(p).toString("base64") };
}

/** `12s`, `5m03s`, `2h10m`, `3d4h` — compact, for tables. */
export function shortDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600)}h`;
}

/** An absolute time with a relative hint: `2026-11-29 02:00:00Z (in 3m00s)`. Empty for null. */
export function when(d: Date | null | undefined, nowMs: number): string {
  if (!d) return "";
  const iso = d
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
  const delta = d.getTime() - nowMs;
  return `${iso} (${delta >= 0 ? "in " : ""}${shortDuration(delta)}${delta < 0 ? " ago" : ""})`;
}

/** Bytes as `512 B`, `3.4 KB`, `1.2 MB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** An integer with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** A percentage with one decimal, `–` when the denominator is 0. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;
}

/** Removes terminal control characters from text that came from Redis before it reaches a terminal. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "�");
}
