import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageTable } from "../../src/components/ImageTable";
import type { ImageListEvent } from "../../src/ipc";
import { sendEvents } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "oci:registry-1.docker.io", name: "Docker Hub", kind: "oci", address: "registry-1.docker.io",
  auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
};
const tags = Array.from({ length: 200 }, (_, i) => `build-${i}`);
const row = (tag: string) => ({
  digest: "sha256:" + tag.replace(/\D/g, "").padStart(64, "0"), tags: [tag], kind: "image", media_type: "m", size: 10,
  platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
});

describe("Rows in view first", () => {
  it("tells the backend which waiting rows are on screen, and offers Read all on a metered registry", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    let send: (events: ImageListEvent[]) => void = () => {};
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: args as Record<string, unknown> });
      if (cmd === "stream_images") {
        send = (events) => sendEvents(args, events);
        send([{ event: "tags", tags }]);
        return new Promise(() => {});
      }
      if (cmd === "prioritize_images" || cmd === "read_all_images") return true;
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="library/app" />);
    // jsdom lays out nothing: the table takes a screenful of 800 px (26 rows) and 10 more below.
    await waitFor(() => expect(calls.some((c) => c.cmd === "prioritize_images")).toBe(true));
    const asked = calls.find((c) => c.cmd === "prioritize_images")!.args;
    expect(asked.id).toBe("oci:registry-1.docker.io");
    expect(asked.repository).toBe("library/app");
    expect(asked.tags).toEqual(tags.slice(0, 36));

    // Those rows are read, the rest wait: the limit and Read all are shown.
    send([
      { event: "rows", rows: tags.slice(0, 36).map(row) },
      { event: "rate_limit", limit: 100, remaining: 64, window_seconds: 21600 },
      { event: "paused", unread: 164 },
    ]);
    const notice = await screen.findByText(/Pull limit: 64 of 100 left per 6 h\./);
    expect(notice.closest("p")!.textContent).toContain("only the rows in view are read; 164 tags wait.");
    // Nothing new in view: nothing more is asked for.
    const asks = calls.filter((c) => c.cmd === "prioritize_images").length;
    fireEvent.click(screen.getByRole("button", { name: "Read all 164" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "read_all_images")).toBe(true));
    expect(calls.find((c) => c.cmd === "read_all_images")!.args).toEqual({ id: "oci:registry-1.docker.io", repository: "library/app" });
    expect(screen.queryByRole("button", { name: /Read all/ })).toBeNull();
    expect(calls.filter((c) => c.cmd === "prioritize_images").length).toBe(asks);
    // Once every row is read, the limit stays and the offer is gone.
    send([
      { event: "rows", rows: tags.slice(36).map(row) },
      { event: "done", images: 200, failed: 0, cached: false, elapsed_ms: 5 },
    ]);
    await waitFor(() => expect(screen.getByTestId("image-count").textContent).toContain("200 images"));
    expect(screen.getByText(/Pull limit: 64 of 100 left/)).toBeTruthy();
  });

  it("asks for nothing once the listing is complete", async () => {
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "stream_images") {
        sendEvents(args, [
          { event: "rows", rows: tags.slice(0, 5).map(row) },
          { event: "done", images: 5, failed: 0, cached: true, elapsed_ms: 1 },
        ]);
        return null;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="library/app" />);
    await screen.findByText("build-4");
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toEqual(["stream_images"]);
    expect(screen.queryByRole("status")).toBeNull();
  });
});
