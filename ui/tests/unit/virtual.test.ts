import { describe, expect, it } from "vitest";
import { rowWindow } from "../../src/virtual";

describe("rowWindow", () => {
  it("renders the top of the list plus overscan", () => {
    expect(rowWindow(0, 320, 32, 100_000, 5)).toEqual({ start: 0, end: 16, padTop: 0, padBottom: (100_000 - 16) * 32 });
  });

  it("follows the scroll position and keeps the total height", () => {
    const w = rowWindow(32 * 50_000 + 7, 320, 32, 100_000, 5);
    expect(w.start).toBe(49_995);
    expect(w.end).toBe(50_016);
    expect(w.padTop + (w.end - w.start) * 32 + w.padBottom).toBe(100_000 * 32);
  });

  it("clamps at the end and for short lists", () => {
    expect(rowWindow(32 * 99_999, 320, 32, 100_000, 5)).toMatchObject({ start: 99_994, end: 100_000, padBottom: 0 });
    expect(rowWindow(0, 800, 32, 3)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
    expect(rowWindow(5000, 800, 32, 0)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
  });
});
