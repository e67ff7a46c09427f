// utcDate: the UTC calendar date of an instant, remembered per day (no Redis).
import { describe, expect, it } from "vitest";
import { utcDate } from "./clock.js";

describe("utcDate", () => {
  it("gives the UTC date of each instant, across day boundaries in both directions", () => {
    const midnight = Date.UTC(2026, 10, 30);
    expect(utcDate(midnight - 1)).toBe("2026-11-29");
    expect(utcDate(midnight)).toBe("2026-11-30");
    expect(utcDate(midnight + 86_399_999.5)).toBe("2026-11-30");
    expect(utcDate(midnight - 0.5)).toBe("2026-11-29");
    expect(utcDate(midnight + 86_400_000)).toBe("2026-12-01");
    expect(utcDate(0)).toBe("1970-01-01");
    expect(utcDate(-1)).toBe("1969-12-31");
    expect(utcDate(-0.5)).toBe(new Date(-0.5).toISOString().slice(0, 10));
    expect(utcDate(-1000)).toBe("1969-12-31");
    expect(utcDate(midnight)).toBe("2026-11-30");
  });
});
