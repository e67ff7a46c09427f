// The TaskMessage codec: round trips, and the fast decoder agreeing with the protobuf-es reference decoder
// (same message or both throwing) on random, reordered, duplicated, mangled and truncated messages.
import { describe, expect, it } from "vitest";
import {
  decodeTaskMessage,
  decodeTaskMessageFast,
  decodeTaskMessageReflect,
  encodeTaskMessage,
  newTaskMessage,
} from "./message.js";

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function varint(v: bigint): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(64, v);
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) byte |= 0x80;
    out.push(byte);
  } while (x > 0n);
  return out;
}
const tag = (field: number, wire: number): number[] => varint(BigInt((field << 3) | wire));
const lenField = (field: number, bytes: number[]): number[] => [
  ...tag(field, 2),
  ...varint(BigInt(bytes.length)),
  ...bytes,
];
const utf8 = (s: string): number[] => [...Buffer.from(s, "utf8")];

function outcome(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): unknown {
  try {
    const m = decode(bytes) as { payload: Uint8Array };
    return { ...m, payload: [...m.payload] };
  } catch {
    return "throws";
  }
}

function expectAgreement(bytes: Uint8Array, note: string): void {
  expect(outcome(decodeTaskMessage, bytes), note).toEqual(outcome(decodeTaskMessageReflect, bytes));
}

describe("TaskMessage codec", () => {
  it("round-trips every field", () => {
    const m = newTaskMessage({
      type: "email:welcome",
      id: "4f1c3a7e-7b7e-4f55-9d7e-0b3d9a1f2c11",
      queue: "critical",
      payload: new Uint8Array([0, 255, 7]),
      headers: { trace: "abc", "x-é": "ü" },
      retry: 25,
      retried: 3,
      errorMsg: "boom ✗",
      timeout: 1800,
      deadline: 1_900_000_000,
      uniqueKey: "asynq:{critical}:unique:x",
      lastFailedAt: 1_800_000_000,
      retention: 86_400,
      completedAt: 1_800_000_100,
      groupKey: "g1",
    });
    const back = decodeTaskMessage(encodeTaskMessage(m));
    expect({ ...back, payload: [...back.payload] }).toEqual({ ...m, payload: [...m.payload] });
  });

  it("decodes like the reference decoder on random, reordered, duplicated and mangled messages", () => {
    const next = rng(20261129);
    const int = (n: number) => Math.floor(next() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const strings = ["", "a", "default", "é✓😀", "\u{feff}bom", "x".repeat(200)];
    const ints = [0n, 1n, 127n, 128n, 300n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 48n, 2n ** 49n, 2n ** 63n - 1n, -1n, -5n];
    const badUtf8 = [0xc3, 0x28];
    const field = (): number[] => {
      const f = int(18) + 1; // 1-15 known, 16-18 unknown
      const kind = int(40);
      if (kind === 0) return [...tag(f, 0), ...varint(pick(ints))]; // maybe the wrong wire type
      if (kind === 1) return lenField(f, utf8(pick(strings)));
      if (kind === 2) return lenField(f, badUtf8);
      if (kind === 3) return [...tag(f, 5), 1, 2, 3, 4]; // fixed32
      if (kind === 4) return [...tag(f, 1), 1, 2, 3, 4, 5, 6, 7, 8]; // fixed64
      if (kind === 5) {
        const key = lenField(1, utf8(pick(strings)));
        const value = lenField(2, utf8(pick(strings)));
        const entry = [[key], [value], [value, key], [key, key, value], []][int(5)]!;
        return lenField(15, entry.flat());
      }
      if (kind === 6) return lenField(15, lenField(1, utf8("__proto__")));
      // a well-typed known field
      const known = int(15) + 1;
      if ([5, 6, 8, 9, 11, 12, 13].includes(known)) return [...tag(known, 0), ...varint(pick(ints))];
      if (known === 2)
        return lenField(
          2,
          Array.from({ length: int(20) }, () => int(256)),
        );
      if (known === 15) return lenField(15, [...lenField(1, utf8(pick(strings))), ...lenField(2, utf8(pick(strings)))]);
      return lenField(known, utf8(pick(strings)));
    };
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      let bytes = Array.from({ length: int(8) }, field).flat();
      const mangle = int(10);
      if (mangle === 0 && bytes.length > 0) bytes = bytes.slice(0, int(bytes.length)); // truncated
      if (mangle === 1 && bytes.length > 0) bytes[int(bytes.length)] = int(256); // one byte changed
      expectAgreement(new Uint8Array(bytes), `case ${i}: ${Buffer.from(bytes).toString("hex")}`);
      if (decodeTaskMessageFast(new Uint8Array(bytes))) fast++;
    }
    expect(fast).toBeGreaterThan(1000); // the fast path itself was exercised, not only its fallback
  });

  it("decodes messages written by the encoder through the fast path with equal results", () => {
    const next = rng(7);
    for (let i = 0; i < 500; i++) {
      const m = newTaskMessage({
        type: `t${i}`,
        id: `id-${Math.floor(next() * 1e9)}`,
        queue: i % 2 ? "default" : "critical",
        payload: Buffer.from(JSON.stringify({ i })),
        retry: Math.floor(next() * 30),
        timeout: Math.floor(next() * 4000),
        deadline: next() < 0.5 ? 0 : 1_800_000_000 + i,
        headers: i % 3 ? {} : { a: String(i), b: "x" },
      });
      const bytes = encodeTaskMessage(m);
      expectAgreement(bytes, `message ${i}`);
      expectAgreement(Buffer.from(bytes), `message ${i} as a Buffer`);
    }
  });
});
