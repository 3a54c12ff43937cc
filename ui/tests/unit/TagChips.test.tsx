import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { TagChips } from "../../src/components/TagChips";

afterEach(cleanup);

const tags = Array.from({ length: 200 }, (_, i) => `build-${i + 1}`);
const chips = () => [...document.querySelectorAll(".chip")].map((c) => c.textContent);

describe("Tag chips", () => {
  it("shows the first few and counts the rest, named on hover", () => {
    render(<TagChips tags={tags} limit={3} />);
    expect(chips()).toEqual(["build-1", "build-2", "build-3", "+197"]);
    expect(screen.getByText("+197").getAttribute("title")!.split("\n")).toEqual(tags.slice(3));
  });

  it("opens the full list on demand in the detail, and folds it again", () => {
    render(<TagChips tags={tags} limit={12} expandable />);
    expect(chips().length).toBe(13);
    fireEvent.click(screen.getByRole("button", { name: "+188 more" }));
    expect(chips().length).toBe(201);
    fireEvent.click(screen.getByRole("button", { name: "fewer" }));
    expect(chips()).toHaveLength(13);
  });

  it("shows every tag when they fit", () => {
    render(<TagChips tags={["1.0", "latest"]} limit={3} />);
    expect(chips()).toEqual(["1.0", "latest"]);
  });
});
