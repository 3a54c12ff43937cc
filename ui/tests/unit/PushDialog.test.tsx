import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { PushDialog } from "../../src/components/PushDialog";
import type { LocalView, TransferEvent, RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const local: LocalView = {
  id: "local:0", path: "/tmp/app.tar", name: "app.tar", kind: "docker-archive",
  images: [{ index: 0, names: ["team/app:1.0", "team/app:latest"], kind: "image", platform: "linux/amd64", layers: 2, size: 3000, digest: "sha256:" + "c".repeat(64) }],
};
const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" } as unknown as RegistryView;
const registries = [
  { id: "oci:localhost:5000", name: "localhost:5000", kind: "oci" },
  { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" },
] as unknown as RegistryView[];

const shown: string[] = [];

describe("the push sheet", () => {
  it("fills the target from the archive, pushes with per-layer progress, and reports the result", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let send: (e: TransferEvent) => void = () => {};
    let finish: () => void = () => {};
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd !== "push_local") throw new Error(`unexpected ${cmd}`);
      send = (e) => (args as { onEvent: { onmessage: (e: TransferEvent) => void } }).onEvent.onmessage(e);
      return new Promise((resolve) => (finish = () => resolve(null)));
    });
    render(<PushDialog local={local} image={local.images[0]!} registries={registries} onClose={() => {}} onShow={(id, repo) => shown.push(`${id} ${repo}`)} />);
    expect((screen.getByRole("textbox", { name: "Repository" }) as HTMLInputElement).value).toBe("team/app");
    const tags = screen.getByRole("textbox", { name: /^Tags/ }) as HTMLInputElement;
    expect(tags.value).toBe("1.0 latest");
    fireEvent.change(tags, { target: { value: "1.0 -bad" } });
    expect(screen.getByRole("alert").textContent).toContain("Not a valid tag: -bad");
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(tags, { target: { value: "1.0 latest" } });
    fireEvent.click(screen.getByRole("button", { name: "Push" }));

    send({ event: "started", transfer_id: "transfer-0" });
    send({ event: "progress", blobs: [
      { blob: 0, state: "uploading", done: 1000, total: 2000 },
      { blob: 1, state: "exists", done: 0, total: 900 },
    ] });
    await waitFor(() => expect(screen.getByTestId("push-total").textContent).toMatch(/^1\.86 KiB of 2\.83 KiB/));
    expect(screen.getByText("exists — skipped · 900 B")).toBeTruthy();
    expect((screen.getByLabelText("Layer 1 progress") as HTMLProgressElement).value).toBe(1000);
    send({ event: "finished", manifest_digest: "sha256:" + "f".repeat(64), tags: ["1.0", "latest"], bytes: 2100 });
    finish();
    expect((await screen.findByRole("status")).textContent).toBe(
      "Pushed team/app:1.0, :latest as sha256:ffffffffffff… (2.05 KiB uploaded)",
    );
    fireEvent.click(screen.getByRole("button", { name: "Show in the registry" }));
    expect(shown).toEqual(["oci:localhost:5000 team/app"]);
    expect(calls[0]!.args).toMatchObject({
      request: { source_id: "local:0", image: 0, registry_id: "oci:localhost:5000", repository: "team/app", tags: ["1.0", "latest"], compression: "gzip", create_repository: false },
    });
  });

  it("cancels a running push, and offers a retry after a failure", async () => {
    const calls: string[] = [];
    let fail: (e: unknown) => void = () => {};
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "cancel_transfer") return null;
      if (cmd !== "push_local") throw new Error(`unexpected ${cmd}`);
      (args as { onEvent: { onmessage: (e: TransferEvent) => void } }).onEvent.onmessage({ event: "started", transfer_id: "transfer-3" });
      return new Promise((_, reject) => (fail = reject));
    });
    render(<PushDialog local={local} image={local.images[0]!} registries={registries} onClose={() => {}} onShow={(id, repo) => shown.push(`${id} ${repo}`)} />);
    fireEvent.change(screen.getByRole("combobox", { name: "Registry" }), { target: { value: "ecr:dev@eu-west-1" } });
    expect(screen.getByRole("checkbox", { name: /Create the repository/ })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Push" }));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(calls).toContain("cancel_transfer"));
    fail({ code: "cancelled", message: "cancelled; no manifest or tag was written" });
    expect((await screen.findByRole("alert")).textContent).toContain("no manifest or tag was written");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(calls.filter((c) => c === "push_local")).toHaveLength(2));
  });

  it("warns before moving a tag of an immutable ECR repository, which ECR would refuse", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "repository_settings")
        return { name: (args as { name: string }).name, uri: "", created_at: null, tag_mutability: "IMMUTABLE",
          mutability_exclusions: [], scan_on_push: false, encryption: "AES256", kms_key: null };
      if (cmd === "list_tags") return ["1.0"];
      throw new Error(`unexpected ${cmd}`);
    });
    render(<PushDialog local={local} image={local.images[0]!} registries={[ecr]} onClose={() => {}} onShow={() => {}} />);
    expect((await screen.findByRole("alert")).textContent).toBe(
      "team/app is immutable and already has 1.0: ECR would refuse to move it. Choose another tag.",
    );
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByRole("textbox", { name: /^Tags/ }), { target: { value: "1.1 latest" } });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
