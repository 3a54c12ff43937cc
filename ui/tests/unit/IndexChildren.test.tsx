import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageTable } from "../../src/components/ImageTable";
import { childrenUnderParents, parentsOf } from "../../src/indexChildren";
import type { ImageRow, RegistryView } from "../../src/ipc";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = {
  id: "ecr:default:us-east-1", name: "default · us-east-1", kind: "ecr", address: null, auth: "aws",
  username: null, insecure: false, custom_ca: false, profile: "default", region: "us-east-1", account: "123456789012",
} as unknown as RegistryView;
const d = (c: string) => "sha256:" + c.repeat(64);
const row = (digest: string, tags: string[], extra: Partial<ImageRow> = {}): ImageRow => ({
  digest, tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: 1_764_000_000, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null, ...extra,
});
// As ECR lists them: the index's images in no particular place, untagged.
const listed = [
  row(d("a"), [], { pushed_at: 1_764_000_300 }),
  row(d("1"), ["1.0"]),
  row(d("i"), ["2.0", "latest"], {
    kind: "index", size: null, children: [d("b"), d("a")], child_labels: ["linux/amd64", "linux/arm64/v8"],
    platforms: ["linux/amd64", "linux/arm64/v8"],
  }),
  row(d("b"), [], { pushed_at: 1_764_000_100 }),
  row(d("u"), []),
];

describe("an ECR index's images", () => {
  it("sit under their index, named by platform, are not counted as untagged, and a deletion warns", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, listed);
      if (cmd === "image_referrers") return [];
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={ecr} repository="team/multi" />);
    await screen.findByText("1.0");
    const firsts = () => [...document.querySelectorAll("tbody tr.image-row td:first-child")].map((td) => td.textContent);
    expect(firsts()).toEqual(["untagged", "1.0", "2.0latest", "↳ linux/amd64 of 2.0", "↳ linux/arm64/v8 of 2.0"]);
    expect(screen.getByTestId("image-count").textContent).toMatch(/^5 images · 1 untagged/);
    // Sorted by push time, the images still follow their index.
    fireEvent.click(screen.getByRole("button", { name: "Pushed" }));
    const byPush = firsts();
    const at = byPush.indexOf("2.0latest");
    expect(byPush.slice(at, at + 3)).toEqual(["2.0latest", "↳ linux/amd64 of 2.0", "↳ linux/arm64/v8 of 2.0"]);
    // A filter that keeps the index keeps its images.
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter tags" }), { target: { value: "2.0" } });
    expect(firsts()).toEqual(["2.0latest", "↳ linux/amd64 of 2.0", "↳ linux/arm64/v8 of 2.0"]);
    // Deleting one of them names the index it breaks.
    fireEvent.click(screen.getByText("↳ linux/amd64"));
    fireEvent.click(screen.getByRole("button", { name: "Delete…" }));
    expect((await screen.findByRole("alertdialog")).textContent).toContain("Warning: part of the index 2.0, latest");
  });

  it("keeps a child whose index is filtered out in its place", () => {
    const parents = parentsOf(listed);
    const withoutIndex = listed.filter((r) => r.kind !== "index");
    expect(childrenUnderParents(withoutIndex, parents).map((r) => r.digest)).toEqual(withoutIndex.map((r) => r.digest));
    expect(parents.get(d("a"))?.label).toBe("linux/arm64/v8");
    // A tagged image that is also in the index is an image in its own right.
    const tagged = listed.map((r) => (r.digest === d("b") ? { ...r, tags: ["amd64-only"] } : r));
    expect(parentsOf(tagged).has(d("b"))).toBe(false);
  });
});
