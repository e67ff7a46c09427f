// Go standard-library string behaviour the cron parser relies on: unicode.IsSpace splitting and trimming,
// strconv.Quote, strconv.Atoi with its exact error texts, and fmt's %s of a []string.

/** Go's unicode.IsSpace set (Latin-1 spaces plus the Unicode White_Space property). */
const GO_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
const SPACE_RUN = new RegExp(`[${GO_SPACE}]+`, "u");
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, "u");
const TRAILING_SPACE = new RegExp(`[${GO_SPACE}]+$`, "u");

/** Go's strings.Fields: the non-empty runs between unicode.IsSpace characters. */
export function goFields(s: string): string[] {
  return s.split(SPACE_RUN).filter((f) => f !== "");
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  return s.replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
}

/** fmt's `%s` of a []string: `[a b c]`. */
export function goStringList(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const C_ESCAPES: Readonly<Record<string, string>> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

/** Go's strconv.Quote: a double-quoted Go string literal (non-printable runes escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (PRINTABLE.test(ch)) out += ch;
    else if (C_ESCAPES[ch] !== undefined) out += C_ESCAPES[ch];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp >= 0xd800 && cp <= 0xdfff)
      out += "\\ufffd"; // lone surrogate: invalid UTF-8 in Go terms
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += `\\U${cp.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** Result of {@link goAtoi}: the value, or Go's error text. */
export type AtoiResult = { ok: true; value: bigint } | { ok: false; error: string };

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

/** Go's strconv.Atoi on a 64-bit platform: optional sign, decimal digits, int64 range; Go's error texts. */
export function goAtoi(s: string): AtoiResult {
  const syntax: AtoiResult = { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: invalid syntax` };
  const range: AtoiResult = { ok: false, error: `strconv.Atoi: parsing ${goQuote(s)}: value out of range` };
  const byteLength = utf8.encode(s).length;
  let body = s;
  let neg = false;
  if (body.startsWith("+") || body.startsWith("-")) {
    neg = body.startsWith("-");
    body = body.slice(1);
  }
  if (body === "") return syntax;
  if (byteLength < 19) {
    // Go's fast path: cannot overflow, any non-digit is a syntax error.
    if (!/^[0-9]+$/.test(body)) return syntax;
    const v = BigInt(body);
    return { ok: true, value: neg ? -v : v };
  }
  // Go's ParseInt → ParseUint path: digits scanned left to right, uint64 overflow stops the scan.
  let n = 0n;
  for (const c of body) {
    if (c < "0" || c > "9") return syntax;
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    if (n > UINT64_MAX) return range;
  }
  if (!neg && n > INT64_MAX) return range;
  if (neg && n > INT64_MAX + 1n) return range;
  return { ok: true, value: neg ? -n : n };
}
