import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, readablePath, relativeTime, tagMatcher } from "../../src/format";

describe("format", () => {
  it("windows of time in their largest whole unit", () => {
    expect(formatDuration(21600)).toBe("6 h");
    expect(formatDuration(86400)).toBe("1 day");
    expect(formatDuration(172800)).toBe("2 days");
    expect(formatDuration(120)).toBe("2 min");
    expect(formatDuration(90)).toBe("90 s");
  });

  it("sizes in binary units", () => {
    expect(formatBytes(null)).toBe("—");
    expect(formatBytes(312)).toBe("312 B");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatBytes(270_917_632)).toBe("258.4 MiB");
    expect(formatBytes(5 * 1024 ** 4)).toBe("5.00 TiB");
  });

  it("relative times", () => {
    const now = 1_700_000_000_000;
    expect(relativeTime(null, now)).toBe("—");
    expect(relativeTime(now / 1000, now)).toBe("now");
    expect(relativeTime(now / 1000 - 90, now)).toBe("1 min. ago");
    expect(relativeTime(now / 1000 - 3 * 86_400, now)).toBe("3 days ago");
    expect(relativeTime(now / 1000 - 400 * 86_400, now)).toBe("last yr.");
  });

  it("tag filters: substrings, or globs with *", () => {
    expect(tagMatcher("")("anything")).toBe(true);
    expect(tagMatcher("REL")("release-1")).toBe(true);
    expect(tagMatcher("release-*")("release-1.2")).toBe(true);
    expect(tagMatcher("release-*")("pre-release-1")).toBe(false);
    expect(tagMatcher("v1.*.0")("v1.22.0")).toBe(true);
    expect(tagMatcher("v1.*.0")("v1x22x0")).toBe(false);
    // ? is one character, as in a shell.
    expect(tagMatcher("v1.?.0")("v1.2.0")).toBe(true);
    expect(tagMatcher("v1.?.0")("v1.22.0")).toBe(false);
    expect(tagMatcher("build-??")("build-42")).toBe(true);
    expect(tagMatcher("a+b?")("a+bc")).toBe(true);
  });

  it("says JSON paths as people count", () => {
    expect(readablePath("Statement[0].Action[1]")).toBe("Statement 1 › Action 2");
    expect(readablePath("rules[2].selection.countNumber")).toBe("Rule 3 › selection › countNumber");
    expect(readablePath("Version")).toBe("Version");
  });
});
