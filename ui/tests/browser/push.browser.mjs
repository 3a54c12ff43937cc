// Push by drop in Chromium with mocked IPC: the drop overlay, the push sheet for a multi-image
// archive, the queue fed by a scripted progress channel, cancel, an error and its retry, and the
// image shown afterwards. Screenshots in test-output/screenshots/push-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { appCsp, serveDist } from "../support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, shots, uiDir } from "../support/browser.mjs";
import { violations } from "../support/a11y.mjs";

// Each push_local call waits for the test: window.__PUSHES__[n] has its channel and settlers.
const mock = `{
  app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
  list_local: () => [],
  list_registries: () => ({
    registries: [
      { id: "oci:localhost:5000", name: "localhost:5000", kind: "oci", address: "localhost:5000", auth: "anonymous",
        username: null, insecure: true, profile: null, region: null, account: null },
    ],
    docker_logins: [], notice: null,
  }),
  check_registry: () => ({ state: "connected", reason: null, action: null }),
  list_repositories: () => ({ repositories: [{ name: "team/web", uri: null }, { name: "team/worker", uri: null }], catalog_unreadable: null }),
  stream_images: ({ repository, onEvent }) => {
    const pushed = (window.__PUSHED__ || []).filter((p) => p.repository === repository);
    const rows = [{ digest: "sha256:" + "1".repeat(64), tags: ["2.0"], kind: "image", media_type: "m", size: 200_000_000,
      platforms: [], children: [], child_labels: [], pushed_at: Date.now() / 1000 - 86400, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null },
      ...pushed.map((p) => ({ digest: p.digest, tags: p.tags, kind: "image", media_type: "m", size: 271_000_000, platforms: [],
        children: [], child_labels: [], pushed_at: Date.now() / 1000, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null }))];
    onEvent.onmessage({ event: "rows", rows });
    onEvent.onmessage({ event: "done", images: rows.length, failed: 0, cached: false, elapsed_ms: 1 });
    return null;
  },
  image_detail: () => { throw { code: "x", message: "not part of this test" }; },
  open_local: ({ path }) => ({ id: "local:0", path, name: "stack.tar", kind: "docker-archive", opened: true, compressed: false, images: [
    { index: 0, names: ["registry.example.com/team/web:2.1.0"], kind: "image", platform: "linux/amd64", layers: 3, size: 271_000_000, digest: "sha256:" + "a".repeat(64), target_repository: "team/web", target_tags: ["2.1.0"] },
    { index: 1, names: ["team/worker:2.1.0"], kind: "image", platform: "linux/amd64", layers: 2, size: 96_000_000, digest: "sha256:" + "b".repeat(64), target_repository: "team/worker", target_tags: ["2.1.0"] },
    { index: 2, names: [], kind: "image", platform: "linux/arm64", layers: 1, size: 4_000_000, digest: "sha256:" + "c".repeat(64), target_repository: "", target_tags: [] },
  ] }),
  local_image_detail: () => { throw { code: "x", message: "not part of this test" }; },
  push_local: ({ request, onEvent }) => new Promise((resolve, reject) => {
    const pushes = (window.__PUSHES__ ||= []);
    const id = "transfer-" + pushes.length;
    pushes.push({ request, send: (e) => onEvent.onmessage(e), resolve, reject, id });
    onEvent.onmessage({ event: "started", transfer_id: id });
  }),
  cancel_transfer: ({ transferId }) => {
    const push = window.__PUSHES__.find((p) => p.id === transferId);
    push.reject({ code: "cancelled", message: "cancelled; no manifest or tag was written" });
    return null;
  },
}`;

test("push by drop: overlay, multi-image sheet, queued progress, cancel, error and retry", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const { context, page, problems } = await openShell(browser, server, "light", mock);
    await page.getByRole("img", { name: "Connected" }).waitFor();
    const emit = (event, payload) => page.evaluate(([e, p]) => window.__LADING_EMIT__(e, p), [event, payload]);
    const pushes = () => page.evaluate(() => (window.__PUSHES__ || []).map((p) => p.request));
    const script = (n, code) => page.evaluate(([n, code]) => new Function("push", code)(window.__PUSHES__[n]), [n, code]);

    // Dragging over the window shows where to drop.
    await emit("tauri://drag-enter", { paths: ["/home/me/stack.tar"], position: { x: 600, y: 400 } });
    await page.getByText(/^Drop to open/).waitFor();
    await page.screenshot({ path: join(shots, "push-drop-overlay.png") });
    await emit("tauri://drag-drop", { paths: ["/home/me/stack.tar"], position: { x: 600, y: 400 } });

    // The sheet: every image of the archive, named ones ticked, each to its own repository.
    const sheet = page.getByRole("dialog", { name: "Push image" });
    await sheet.waitFor();
    assert.equal(await page.getByText(/^Drop to open/).count(), 0);
    assert.match(await sheet.innerText(), /From stack\.tar · 3 images found/);
    const repositories = sheet.getByRole("textbox", { name: "Repository" });
    assert.deepEqual(await repositories.evaluateAll((inputs) => inputs.map((i) => i.value)), ["team/web", "team/worker"]);
    assert.equal(await sheet.getByRole("checkbox", { name: /image 3/ }).isChecked(), false);
    await sheet.getByRole("textbox", { name: /^Tags/ }).first().fill("2.1.0 -bad");
    assert.match(await sheet.getByRole("alert").innerText(), /Not a valid tag: -bad/);
    assert.ok(await sheet.getByRole("button", { name: "Push 2 images" }).isDisabled());
    await sheet.getByRole("textbox", { name: /^Tags/ }).first().fill("2.1.0 latest");
    await page.screenshot({ path: join(shots, "push-sheet.png") });
    // axe over the sheet and, below, the transfer panel in each state: nothing serious or critical.
    const found = {};
    found["push sheet"] = await violations(page);
    await sheet.getByRole("button", { name: "Push 2 images" }).click();
    await sheet.waitFor({ state: "detached" });

    // One at a time: the first runs, the second waits. Progress as the backend sends it.
    const panel = page.getByRole("complementary", { name: "Transfers" });
    await panel.getByText("Transfers · 1 running · 1 queued").waitFor();
    assert.deepEqual((await pushes()).map((r) => [r.repository, r.tags]), [["team/web", ["2.1.0", "latest"]]]);
    await script(0, `push.send({ event: "progress", blobs: [
      { blob: 0, state: "exists", done: 0, total: 29000000 },
      { blob: 1, state: "uploading", done: 90000000, total: 180000000 },
      { blob: 2, state: "checking", done: 0, total: 62000000 },
      { blob: 3, state: "done", done: 7000, total: 7000 },
    ] });`);
    const first = panel.getByRole("listitem", { name: "Push team/web:2.1.0, :latest to localhost:5000" });
    await first.getByText("exists — skipped · 27.7 MiB").waitFor();
    assert.equal(await first.getByLabel("Layer 2 progress").evaluate((p) => p.value), 90_000_000);
    assert.match(await first.getByTestId("transfer-total").innerText(), /^113\.5 MiB of 258\.5 MiB/);
    assert.equal(await first.getByText("Config").count(), 1);
    await page.screenshot({ path: join(shots, "push-progress.png") });
    found["transfer progress"] = await violations(page);

    // Cancel the running push: the next one starts.
    await first.getByRole("button", { name: "Cancel" }).click();
    await first.getByText("cancelled; no manifest or tag was written").waitFor();
    await panel.getByText("Transfers · 1 running · 1 cancelled").waitFor();
    assert.deepEqual((await pushes()).map((r) => r.repository), ["team/web", "team/worker"]);

    // The second fails; Retry runs it again, and it lands.
    await script(1, `push.reject({ code: "unreachable", message: "cannot reach localhost:5000: connection refused" });`);
    const second = panel.getByRole("listitem", { name: "Push team/worker:2.1.0 to localhost:5000" });
    await second.getByRole("alert").filter({ hasText: "connection refused" }).waitFor();
    await page.screenshot({ path: join(shots, "push-failed.png") });
    found["transfer failed"] = await violations(page);
    assert.deepEqual(Object.entries(found).filter(([, v]) => v.length > 0), []);
    await second.getByRole("button", { name: "Retry" }).click();
    await page.waitForFunction(() => window.__PUSHES__.length === 3);
    await script(2, `
      const digest = "sha256:" + "d".repeat(64);
      (window.__PUSHED__ ||= []).push({ repository: "team/worker", digest, tags: ["2.1.0"] });
      push.send({ event: "progress", blobs: [{ blob: 0, state: "done", done: 96000000, total: 96000000 }] });
      push.send({ event: "finished", manifest_digest: digest, tags: ["2.1.0"], bytes: 96000000, registry_digest: null, referrers: 0 });
      push.resolve(null);`);
    await second.getByText(/^Pushed team\/worker:2\.1\.0 as sha256:dddddddddddd…/).waitFor();

    // The user stayed on the archive: the app opens team/worker with the new image selected.
    const selected = page.locator("tr.image-row.selected");
    await selected.waitFor();
    assert.match(await selected.innerText(), /2\.1\.0/);
    assert.match(await selected.innerText(), /dddddddddddd/);
    await page.screenshot({ path: join(shots, "push-landed.png") });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
