import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { PushDialog, type PushItem } from "../../src/components/PushDialog";
import type { LocalView, TransferEvent, RegistryView } from "../../src/ipc";
import type { Job } from "../../src/queue";
import { WithQueue } from "./withQueue";

afterEach(() => {
  cleanup();
  clearMocks();
});

const local: LocalView = {
  id: "local:0", path: "/tmp/app.tar", name: "app.tar", kind: "docker-archive", opened: true, compressed: false,
  images: [{ index: 0, names: ["team/app:1.0", "team/app:latest"], kind: "image", platform: "linux/amd64", layers: 2, size: 3000, digest: "sha256:" + "c".repeat(64), target_repository: "team/app", target_tags: ["1.0", "latest"] }],
};
const several: LocalView = {
  id: "local:1", path: "/tmp/stack.tar", name: "stack.tar", kind: "docker-archive", opened: true, compressed: false,
  images: [
    { index: 0, names: ["registry.example.com/team/web:2.1"], kind: "image", platform: "linux/amd64", layers: 3, size: 9000, digest: "sha256:" + "d".repeat(64), target_repository: "team/web", target_tags: ["2.1"] },
    { index: 1, names: ["team/worker:2.1"], kind: "image", platform: "linux/amd64", layers: 1, size: 1000, digest: "sha256:" + "e".repeat(64), target_repository: "team/worker", target_tags: ["2.1"] },
    { index: 2, names: [], kind: "image", platform: "linux/amd64", layers: 1, size: 10, digest: "sha256:" + "f".repeat(64), target_repository: "", target_tags: [] },
  ],
};
const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" } as unknown as RegistryView;
const registries = [
  { id: "oci:localhost:5000", name: "localhost:5000", kind: "oci" },
  { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" },
] as unknown as RegistryView[];

const itemsOf = (l: LocalView): PushItem[] => l.images.map((image) => ({ local: l, image }));
type PushArgs = { request: Record<string, unknown>; onEvent: { onmessage: (e: TransferEvent) => void } };

function sheet(props: Partial<Parameters<typeof PushDialog>[0]> & { onShow?: (job: Job) => void } = {}) {
  let closed = 0;
  const { onShow, ...rest } = props;
  render(
    <WithQueue onShow={onShow}>
      <PushDialog
        items={itemsOf(local)}
        checked={() => true}
        registries={registries}
        browsed={null}
        origin="local:0"
        onClose={() => closed++}
        {...rest}
      />
    </WithQueue>,
  );
  return { closed: () => closed };
}

describe("the push sheet", () => {
  it("fills the target from the archive, queues the push, and shows per-layer progress and the result", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let send: (e: TransferEvent) => void = () => {};
    let finish: () => void = () => {};
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd !== "push_local") throw new Error(`unexpected ${cmd}`);
      send = (e) => (args as PushArgs).onEvent.onmessage(e);
      return new Promise((resolve) => (finish = () => resolve(null)));
    });
    const shown: string[] = [];
    const { closed } = sheet({ onShow: (job) => shown.push(`${job.spec.target?.registryId} ${job.spec.target?.repository}`) });
    expect((screen.getByRole("textbox", { name: "Repository" }) as HTMLInputElement).value).toBe("team/app");
    const tags = screen.getByRole("textbox", { name: /^Tags/ }) as HTMLInputElement;
    expect(tags.value).toBe("1.0 latest");
    fireEvent.change(tags, { target: { value: "1.0 -bad" } });
    expect(screen.getByRole("alert").textContent).toContain("Not a valid tag: -bad");
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(tags, { target: { value: "1.0 latest" } });
    fireEvent.click(screen.getByRole("button", { name: "Push" }));
    expect(closed()).toBe(1);

    const panel = screen.getByRole("complementary", { name: "Transfers" });
    await waitFor(() => expect(calls).toHaveLength(1));
    send({ event: "started", transfer_id: "transfer-0" });
    send({ event: "progress", blobs: [
      { blob: 0, state: "uploading", done: 1000, total: 2000 },
      { blob: 1, state: "exists", done: 0, total: 900 },
      { blob: 2, state: "done", done: 200, total: 200 },
    ] });
    await waitFor(() => expect(within(panel).getByTestId("transfer-total").textContent).toMatch(/^2\.05 KiB of 3\.03 KiB/));
    expect(within(panel).getByText("exists — skipped · 900 B")).toBeTruthy();
    expect((within(panel).getByLabelText("Layer 1 progress") as HTMLProgressElement).value).toBe(1000);
    expect(within(panel).getByText("Config")).toBeTruthy();
    expect(panel.textContent).toContain("1 running");
    send({ event: "finished", manifest_digest: "sha256:" + "f".repeat(64), tags: ["1.0", "latest"], bytes: 2100, registry_digest: null, referrers: 0 });
    finish();
    expect((await within(panel).findByRole("status")).textContent).toBe(
      "Pushed team/app:1.0, :latest as sha256:ffffffffffff… (2.05 KiB uploaded)",
    );
    fireEvent.click(within(panel).getByRole("button", { name: "Show" }));
    expect(shown).toEqual(["oci:localhost:5000 team/app"]);
    expect(calls[0]!.args).toMatchObject({
      request: { source_id: "local:0", image: 0, registry_id: "oci:localhost:5000", repository: "team/app", tags: ["1.0", "latest"], compression: "gzip", create_repository: false },
    });
  });

  it("pushes into the repository open in the browser when one image is dropped", () => {
    sheet({ browsed: { registryId: "ecr:dev@eu-west-1", repository: "platform/base" } });
    expect((screen.getByRole("combobox", { name: "Registry" }) as HTMLSelectElement).value).toBe("ecr:dev@eu-west-1");
    expect((screen.getByRole("textbox", { name: "Repository" }) as HTMLInputElement).value).toBe("platform/base");
    expect((screen.getByRole("textbox", { name: /^Tags/ }) as HTMLInputElement).value).toBe("1.0 latest");
  });

  it("lists every image of a multi-image archive, each to its own repository, and queues them in order", async () => {
    const requests: Array<Record<string, unknown>> = [];
    const finishers: Array<() => void> = [];
    mockIPC((cmd, args) => {
      if (cmd !== "push_local") throw new Error(`unexpected ${cmd}`);
      requests.push((args as PushArgs).request);
      return new Promise((resolve) => finishers.push(() => resolve(null)));
    });
    sheet({ items: itemsOf(several), checked: (item) => item.image.index !== 2, browsed: { registryId: "oci:localhost:5000", repository: "elsewhere" } });
    expect(screen.getByRole("heading").textContent).toBe("Push images");
    const repositories = screen.getAllByRole("textbox", { name: "Repository" }) as HTMLInputElement[];
    // The registry host of a RepoTag is not part of the repository; a browsed repository is for one image only.
    expect(repositories.map((r) => r.value)).toEqual(["team/web", "team/worker"]);
    const unnamed = screen.getByRole("checkbox", { name: /image 3/ }) as HTMLInputElement;
    expect(unnamed.checked).toBe(false);
    fireEvent.click(unnamed);
    // Ticked, the unnamed image needs a repository before anything can be pushed.
    expect((screen.getByRole("button", { name: "Push 3 images" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getAllByRole("textbox", { name: "Repository" })[2]!, { target: { value: "team/tool" } });
    fireEvent.click(screen.getByRole("button", { name: "Push 3 images" }));

    const panel = screen.getByRole("complementary", { name: "Transfers" });
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(panel.textContent).toContain("1 running · 2 queued");
    // One at a time: the second starts only when the first has finished.
    finishers[0]!();
    await waitFor(() => expect(requests).toHaveLength(2));
    finishers[1]!();
    await waitFor(() => expect(requests).toHaveLength(3));
    finishers[2]!();
    await waitFor(() => expect(panel.textContent).toContain("3 done"));
    expect(requests.map((r) => [r.image, r.repository, r.tags])).toEqual([
      [0, "team/web", ["2.1"]],
      [1, "team/worker", ["2.1"]],
      [2, "team/tool", []],
    ]);
    fireEvent.click(within(panel).getByRole("button", { name: "Clear finished" }));
    expect(screen.queryByRole("complementary", { name: "Transfers" })).toBeNull();
  });

  it("cancels a running push, drops a queued one, and retries after a failure", async () => {
    const calls: string[] = [];
    const fails: Array<(e: unknown) => void> = [];
    const senders: Array<(e: TransferEvent) => void> = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === "cancel_transfer") return null;
      if (cmd !== "push_local") throw new Error(`unexpected ${cmd}`);
      senders.push((e) => (args as PushArgs).onEvent.onmessage(e));
      (args as PushArgs).onEvent.onmessage({ event: "started", transfer_id: `transfer-${fails.length}` });
      return new Promise((_, reject) => fails.push(reject));
    });
    sheet({ items: itemsOf(several).slice(0, 2) });
    fireEvent.change(screen.getByRole("combobox", { name: "Registry" }), { target: { value: "ecr:dev@eu-west-1" } });
    expect(screen.getByRole("checkbox", { name: /Create the repository/ })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Push 2 images" }));
    const panel = screen.getByRole("complementary", { name: "Transfers" });
    const [running, queued] = within(panel).getAllByRole("listitem").filter((li) => li.classList.contains("transfer-job"));
    await waitFor(() => expect(running!.className).toContain("running"));
    fireEvent.click(within(queued!).getByRole("button", { name: "Cancel" }));
    expect(queued!.className).toContain("cancelled");
    fireEvent.click(within(running!).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(calls).toContain("cancel_transfer"));
    fails[0]!({ code: "cancelled", message: "cancelled; no manifest or tag was written" });
    expect((await within(running!).findByRole("alert")).textContent).toContain("no manifest or tag was written");
    // The dropped one never ran.
    expect(calls.filter((c) => c === "push_local")).toHaveLength(1);
    fireEvent.click(within(running!).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(calls.filter((c) => c === "push_local")).toHaveLength(2));
    senders[1]!({ event: "progress", blobs: [
      { blob: 0, state: "uploading", done: 500, total: 9000 },
      { blob: 1, state: "done", done: 400, total: 400 },
      { blob: 2, state: "exists", done: 0, total: 300 },
      { blob: 3, state: "checking", done: 0, total: 80 },
    ] });
    fails[1]!({ code: "unreachable", message: "cannot reach 127.0.0.1:5000" });
    // The error names where it stopped: the layers still moving.
    expect((await within(running!).findByRole("alert")).textContent).toBe(
      "cannot reach 127.0.0.1:5000 Unfinished: Layer 1 (uploading), Config (checking).",
    );
    expect(running!.className).toContain("failed");
  });

  it("warns before moving a tag of an immutable ECR repository, which ECR would refuse", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "repository_settings")
        return { name: (args as { name: string }).name, uri: "", created_at: null, tag_mutability: "IMMUTABLE",
          mutability_exclusions: [], scan_on_push: false, encryption: "AES256", kms_key: null };
      if (cmd === "list_tags") return ["1.0"];
      throw new Error(`unexpected ${cmd}`);
    });
    sheet({ registries: [ecr] });
    expect((await screen.findByRole("alert")).textContent).toBe(
      "team/app is immutable and already has 1.0: ECR would refuse to move it. Choose another tag.",
    );
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByRole("textbox", { name: /^Tags/ }), { target: { value: "1.1 latest" } });
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect((screen.getByRole("button", { name: "Push" }) as HTMLButtonElement).disabled).toBe(false);
  });
});
