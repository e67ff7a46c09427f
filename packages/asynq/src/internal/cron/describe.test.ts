// describeCronSpec: the spec in words for the cron monitor, table-driven.
import { describe, expect, it } from "vitest";
import { CronSpecError } from "./cron-spec.js";
import { describeCronSpec } from "./describe.js";

describe("describeCronSpec", () => {
  it.each([
    ["*/15 * * * *", "every 15 minutes"],
    ["5/15 * * * *", "every 15 minutes from minute 5"],
    ["* * * * *", "every minute"],
    ["? * * * *", "every minute"],
    ["* 9-17 * * *", "every minute from 09:00 to 17:59"],
    ["*/10 9,18 * * *", "every 10 minutes during hours 9 and 18"],
    ["0 * * * *", "every hour"],
    ["30 * * * *", "every hour at minute 30"],
    ["0 */2 * * *", "every 2 hours"],
    ["15 */6 * * *", "every 6 hours at minute 15"],
    ["0 1-23/2 * * *", "every 2 hours from 01:00"],
    ["1,2,3-5 * * * *", "at minutes 1 to 5 past every hour"],
    ["30 9-17 * * 1-5", "at minute 30 past hours 9 to 17 on Monday to Friday"],
    ["0 2 * * *", "at 02:00 every day"],
    ["CRON_TZ=Asia/Ho_Chi_Minh 0 2 * * *", "at 02:00 every day (Asia/Ho_Chi_Minh)"],
    ["TZ=America/New_York 30 9 * * MON-FRI", "at 09:30 on Monday to Friday (America/New_York)"],
    ["TZ=Europe/Berlin */5 * * * *", "every 5 minutes"],
    ["0 9,17 * * *", "at 09:00 and 17:00 every day"],
    ["0,30 9 * * *", "at 09:00 and 09:30 every day"],
    ["0 0 * * 1,3,5", "at 00:00 on Monday, Wednesday and Friday"],
    ["0 0 * * sun", "at 00:00 on Sunday"],
    ["15 8 1 * *", "at 08:15 on day 1 of the month"],
    ["0 0 1,15 * *", "at 00:00 on days 1 and 15 of the month"],
    ["0 0 */2 * *", "at 00:00 on days 1, 3, 5, …, 31 of the month"],
    ["0 0 13 * 5", "at 00:00 on day 13 of the month or on Friday"],
    ["0 0 */1 * 5", "at 00:00 on Friday"],
    ["0 0 1-31 * 5", "at 00:00 every day"],
    ["0 0 1 jan-mar *", "at 00:00 on day 1 of the month in January to March"],
    ["0 0 1 */3 *", "at 00:00 on day 1 of the month in January, April, July and October"],
    ["0 0 31 2 *", "never"],
    [", * * * *", "never"],
    ["@yearly", "at 00:00 on day 1 of the month in January"],
    ["@annually", "at 00:00 on day 1 of the month in January"],
    ["@monthly", "at 00:00 on day 1 of the month"],
    ["@weekly", "at 00:00 on Sunday"],
    ["@daily", "at 00:00 every day"],
    ["@midnight", "at 00:00 every day"],
    ["@hourly", "every hour"],
    ["@every 30s", "every 30s"],
    ["@every 1h30m", "every 1h30m"],
    ["@every 90m", "every 1h30m"],
    ["@every 1.5s", "every 1s"],
    ["@every 500ms", "every 1s"],
    ["CRON_TZ=Asia/Tokyo @every 1h", "every 1h"],
  ])("%j → %j", (spec, words) => {
    expect(describeCronSpec(spec)).toBe(words);
  });

  it("names the scheduler location when given", () => {
    expect(describeCronSpec("0 2 * * *", { location: "Europe/Berlin" })).toBe("at 02:00 every day (Europe/Berlin)");
    expect(describeCronSpec("*/5 * * * *", { location: "Europe/Berlin" })).toBe("every 5 minutes");
  });

  it("throws CronSpecError for a spec Go refuses", () => {
    expect(() => describeCronSpec("0 9 * * 7")).toThrow(CronSpecError);
  });
});
