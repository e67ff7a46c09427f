// Enqueue options → Go's Option.String() forms, as Go's scheduler stores them in SchedulerEntry.enqueue_options
// (spec §9.4), so Go's Inspector and asynqmon show Vigil's cron entries exactly like Go's.
import type { EnqueueOptions } from "../../options.js";
import { goQuote } from "../cron/go-text.js";
import { formatGoDuration, parseDuration } from "./duration.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's time.UnixDate layout in UTC: `Tue Jan  1 00:00:00 UTC 2030` (day space-padded). */
export function formatGoUnixDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function toDate(v: Date | number | string): Date {
  return v instanceof Date ? v : new Date(v);
}

/**
 * The option strings Go would list for these options, in the order they were given
 * (e.g. `Queue("low")`, `MaxRetry(3)`, `Timeout(5m0s)`, `Unique(10m0s)`, `Retention(24h0m0s)`).
 */
export function formatOptionStrings(o: EnqueueOptions): string[] {
  const out: string[] = [];
  for (const key of Object.keys(o) as (keyof EnqueueOptions)[]) {
    const v = o[key];
    if (v === undefined) continue;
    switch (key) {
      case "queue":
        out.push(`Queue(${goQuote(String(v))})`);
        break;
      case "maxRetry":
        out.push(`MaxRetry(${Math.max(0, Math.trunc(Number(v)))})`);
        break;
      case "timeout":
      case "unique":
      case "retention":
      case "processIn": {
        const name = { timeout: "Timeout", unique: "Unique", retention: "Retention", processIn: "ProcessIn" }[key];
        out.push(`${name}(${formatGoDuration(parseDuration(v as string | number, key))})`);
        break;
      }
      case "deadline":
        out.push(`Deadline(${formatGoUnixDate(toDate(v as Date))})`);
        break;
      case "processAt":
        out.push(`ProcessAt(${formatGoUnixDate(toDate(v as Date))})`);
        break;
      case "taskId":
        out.push(`TaskID(${goQuote(String(v))})`);
        break;
      case "group":
        out.push(`Group(${goQuote(String(v))})`);
        break;
      case "headers":
        for (const [hk, hv] of Object.entries(v as Record<string, string>))
          out.push(`Header(${JSON.stringify([hk, hv])})`);
        break;
    }
  }
  return out;
}
