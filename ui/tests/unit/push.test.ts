import { describe, expect, it } from "vitest";
import { immutableClashes, invalidTag, parseTags, totals } from "../../src/push";

describe("the push sheet", () => {
  it("reads tags and refuses the ones a registry would", () => {
    expect(parseTags(" 1.0, latest  1.0 ")).toEqual(["1.0", "latest"]);
    expect(invalidTag("v1.2_rc-3")).toBe(false);
    expect(invalidTag("-bad")).toBe(true);
    expect(invalidTag("has space")).toBe(true);
    expect(invalidTag("x".repeat(129))).toBe(true);
  });

  it("adds up progress, counting blobs the registry already had, with rate and time left", () => {
    const t = totals(
      [
        { blob: 0, state: "uploading", done: 50, total: 100 },
        { blob: 1, state: "exists", done: 0, total: 100 },
      ],
      1000,
    );
    expect(t).toEqual({ done: 150, total: 200, rate: 150, eta: 50 / 150 });
    expect(totals([], 0)).toEqual({ done: 0, total: 0, rate: 0, eta: null });
  });
});

describe("immutable ECR repositories", () => {
  it("flags tags that exist and are not excluded", () => {
    expect(immutableClashes(["1.0", "latest", "new"], ["1.0", "latest"], "IMMUTABLE", [])).toEqual(["1.0", "latest"]);
    expect(immutableClashes(["1.0", "latest", "dev-3"], ["1.0", "latest", "dev-3"], "IMMUTABLE_WITH_EXCLUSION", ["latest", "dev-*"])).toEqual(["1.0"]);
    expect(immutableClashes(["1.0"], ["1.0"], "MUTABLE", [])).toEqual([]);
    // A filter is the whole tag, not a substring: "latest" does not exclude "latest-rc".
    expect(immutableClashes(["latest-rc"], ["latest-rc"], "IMMUTABLE_WITH_EXCLUSION", ["latest"])).toEqual(["latest-rc"]);
  });
});
