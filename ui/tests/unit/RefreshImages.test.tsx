import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageTable } from "../../src/components/ImageTable";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "oci:r.example.com", name: "r.example.com", kind: "oci", address: "r.example.com",
  auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
};
const row = (c: string, tags: string[]) => ({
  digest: "sha256:" + c.repeat(64), tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
});

describe("Refreshing a repository's images", () => {
  it("lists again, keeping the old rows until the new ones arrive", async () => {
    let listings = 0;
    let release: () => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd !== "stream_images") throw new Error(`unexpected ${cmd}`);
      listings += 1;
      if (listings === 1) return streamRows(args, [row("a", ["1.0", "latest"])]);
      expect((args as { refresh: boolean }).refresh).toBe(true);
      return new Promise((resolve) => {
        release = () => resolve(streamRows(args, [row("a", ["1.0", "latest"]), row("b", ["2.0"])]));
      });
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    // One line of chips per row keeps rows a fixed height; the cell's title carries every tag.
    expect((await screen.findByText("1.0")).closest("td")!.getAttribute("title")).toBe("1.0, latest");
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByRole("button", { name: "Refreshing…" })).toHaveProperty("disabled", true);
    expect(screen.getByText("1.0")).toBeTruthy();
    release();
    await screen.findByText("2.0");
    expect(screen.getByTestId("image-count").textContent).toBe("2 images · 200 B in all");
    expect(listings).toBe(2);
  });

  it("offers to try again after a failed listing", async () => {
    let listings = 0;
    mockIPC((cmd, args) => {
      if (cmd !== "stream_images") throw new Error(`unexpected ${cmd}`);
      listings += 1;
      if (listings === 1) throw { code: "unreachable", message: "cannot reach r.example.com" };
      return streamRows(args, [row("a", ["1.0"])]);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    expect((await screen.findByRole("alert")).textContent).toContain("cannot reach r.example.com");
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByText("1.0");
    expect(listings).toBe(2);
  });

  it("stops the listing in the backend when the user leaves the repository", async () => {
    const started: string[] = [];
    const cancelled: string[] = [];
    mockIPC((cmd, args) => {
      const { read } = args as { read: string };
      if (cmd === "stream_images") {
        started.push(read);
        return new Promise(() => {}); // a registry that takes its time
      }
      if (cmd === "cancel_read") return void cancelled.push(read);
      throw new Error(`unexpected ${cmd}`);
    });
    const { rerender, unmount } = render(<ImageTable registry={registry} repository="team/app" />);
    await waitFor(() => expect(started.length).toBe(1));
    rerender(<ImageTable registry={registry} repository="team/other" />);
    await waitFor(() => expect(cancelled).toEqual([started[0]]));
    expect(started.length).toBe(2);
    expect(started[1]).not.toBe(started[0]);
    unmount();
    await waitFor(() => expect(cancelled).toEqual(started));
  });
});
