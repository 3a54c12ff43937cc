import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ArchivedImages } from "../../src/components/ArchivedImages";
import { ImageTable } from "../../src/components/ImageTable";
import type { ArchivedImage, RegistryView } from "../../src/ipc";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = {
  id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", address: null, auth: "aws",
  username: null, insecure: false, custom_ca: false, profile: "dev", region: "eu-west-1", account: "123456789012",
} as unknown as RegistryView;
const d = (c: string) => "sha256:" + c.repeat(64);
const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
const archived = (digest: string, tags: string[], status: string, archivedDaysAgo: number): ArchivedImage => ({
  digest, tags, size: 5_000_000, pushed_at: now - 400 * DAY, status, archived_at: now - archivedDaysAgo * DAY, activated_at: null,
});
const row = (digest: string, tags: string[]) => ({
  digest, tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
});

describe("ECR's archive storage class", () => {
  it("lists the archived images with the minimum-duration bill, and restores the chosen ones (the backend asks natively)", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    let restored = false;
    mockIPC((cmd, raw) => {
      const args = raw as Record<string, unknown>;
      calls.push({ cmd, args });
      if (cmd === "archived_images")
        return [
          archived(d("a"), ["1.0"], restored ? "ACTIVATING" : "ARCHIVED", 30),
          archived(d("b"), [], "ARCHIVED", 200),
          archived(d("c"), ["0.9"], "ACTIVATING", 300),
        ];
      if (cmd === "set_storage_class") {
        restored = true;
        return { changed: [{ digest: d("a"), status: "ACTIVATING" }], failures: [{ reference: d("b"), reason: "ECR error HTTP 500: the answer gave no reason", code: "ecr_error" }] };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ArchivedImages registry={ecr} repository="team/cold" onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Archived images of team/cold" });
    const first = (await within(dialog).findByText("1.0")).closest("tr")!;
    expect(first.textContent).toContain("billed 60 more days if restored now");
    const second = within(dialog).getByText(`untagged ${"b".repeat(12)}`).closest("tr")!;
    expect(second.textContent).not.toContain("billed");
    // Being restored already: not offered again.
    expect((within(dialog).getByRole("checkbox", { name: "Choose 0.9" }) as HTMLInputElement).disabled).toBe(true);
    expect(within(dialog).getByText("restoring…")).toBeTruthy();

    const restore = within(dialog).getByRole("button", { name: /^Restore/ }) as HTMLButtonElement;
    expect(restore.disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "Choose every archived image shown" }));
    expect(restore.textContent).toBe("Restore 2…");
    fireEvent.click(restore);
    expect((await within(dialog).findByRole("alert")).textContent).toBe(
      `Restoring 1 image: pullable once ECR lists it as active again. Not restored: ${"b".repeat(12)}: ECR error HTTP 500: the answer gave no reason`,
    );
    expect(calls.find((c) => c.cmd === "set_storage_class")!.args).toEqual({ id: ecr.id, repository: "team/cold", digests: [d("a"), d("b")], archive: false });
    // Read again: the restored one shows as restoring.
    await waitFor(() => expect(within(dialog).getAllByText("restoring…")).toHaveLength(2));
  });

  it("says so when nothing is archived, and where archiving starts", async () => {
    mockIPC((cmd) => {
      if (cmd === "archived_images") return [];
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ArchivedImages registry={ecr} repository="team/hot" onClose={() => {}} />);
    expect((await screen.findByText(/^No archived image in team\/hot/)).textContent).toContain("Archive…");
  });

  it("archives the selected images from the list, then lists again", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    let archivedYet = false;
    mockIPC((cmd, raw) => {
      const args = raw as Record<string, unknown>;
      calls.push({ cmd, args });
      if (cmd === "stream_images") return streamRows(args, archivedYet ? [row(d("b"), ["2.0"])] : [row(d("a"), ["1.0"]), row(d("b"), ["2.0"])]);
      if (cmd === "set_storage_class") {
        if (calls.filter((c) => c.cmd === "set_storage_class").length === 1) throw { code: "declined", message: "not confirmed; nothing was changed" };
        archivedYet = true;
        return { changed: [{ digest: d("a"), status: "ARCHIVED" }], failures: [] };
      }
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={ecr} repository="team/cold" />);
    fireEvent.click(await screen.findByText("1.0"));
    const archive = within(screen.getByRole("toolbar", { name: "Selection" })).getByRole("button", { name: "Archive…" });
    // "No" in the native dialog: nothing said, nothing changed.
    fireEvent.click(archive);
    await waitFor(() => expect(calls.filter((c) => c.cmd === "set_storage_class")).toHaveLength(1));
    // While it runs the button waits ("Archiving…"); then it is offered again.
    await waitFor(() => expect((archive as HTMLButtonElement).disabled).toBe(false));
    expect(archive.textContent).toBe("Archive…");
    expect(screen.queryByText(/Archived|not confirmed/)).toBeNull();
    fireEvent.click(archive);
    expect(await screen.findByText("Archived 1 image.")).toBeTruthy();
    expect(calls.filter((c) => c.cmd === "set_storage_class").pop()!.args).toEqual({ id: ecr.id, repository: "team/cold", digests: [d("a")], archive: true });
    await waitFor(() => expect(screen.queryByText("1.0")).toBeNull());
  });
});
