// The real Lading window under Xvfb, driven through tauri-driver + WebKitWebDriver.
// Needs: a built target/debug/lading-app (with the UI embedded), Xvfb, tauri-driver, WebKitWebDriver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { app, findTauriDriver, freeDisplay, freePort, nativeQuestions, openApp, repoRoot, sleep, start, startRegistry, waitFor, stopX } from "./support.mjs";

test("the window opens, adds a real registry, and keeps it across a restart", { timeout: 180_000 }, async () => {
  assert.ok(existsSync(app), `${app} is missing: run \`cargo build --bin lading-app\` first`);
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "xvfb.log");
  const questions = nativeQuestions(display);
  const [port, nativePort] = [await freePort(), await freePort()];
  // A fresh HOME: the app must start on a machine with no config, and never touch the developer's.
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-home-"));
  const env = { ...process.env, DISPLAY: `:${display}`, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  let session;
  let registry;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("the shell", () => session.find('[data-testid="app-shell"]'), 60_000);
    assert.equal(await session.run("return document.title"), "Lading");
    assert.match(await session.text('[data-testid="registries-empty"]'), /No registries yet/);
    // The footer's version comes from the real Rust command over real IPC.
    const status = await waitFor("app_info over IPC", async () => {
      const t = await session.text('[data-testid="backend-status"]');
      return /^v\d+\.\d+\.\d+ · linux\//.test(t) ? t : null;
    }, 20_000);
    assert.match(status, /^v0\.1\.0 · linux\/\w+/);
    await session.screenshot("shell.png");

    // Add a real registry through the real dialog; the backend checks it before keeping it.
    registry = await startRegistry(home);
    // Content to browse, pushed by our own CLI (built by `cargo test`).
    const archive = join(home, "demo.tar");
    execFileSync("python3", [join(repoRoot, "bench", "gen_archive.py"), archive, "--layers", "1", "--mib", "0.2", "--files", "4"]);
    const lading = join(repoRoot, "target", "debug", "lading");
    execFileSync(lading, ["push", "-q", archive, `${registry.host}/demo/app:1.0`], { env: { ...env, LADING_DATA_DIR: join(home, "data") } });
    await session.click(".add-button");
    await waitFor("the add dialog", () => session.find('[data-testid="address"]'), 10_000);
    await session.type('[data-testid="address"]', registry.host);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the registry in the sidebar, connected", () => session.find(".registry .status-connected"), 20_000);
    const listed = await session.run("return [...document.querySelectorAll('.registry .registry-name')].map((e) => e.textContent)");
    assert.deepEqual(listed, [registry.host]);
    // Browse: the repository under its namespace, then its tag.
    await session.click(".registry-button");
    await waitFor("the repository", () => session.find('[role="treeitem"]'), 20_000);
    await session.click('[role="treeitem"]');
    await waitFor("the tag", () => session.find(".chip"), 20_000);
    const browsed = await session.run(
      "return [document.querySelector('.namespace').textContent, document.querySelector('[role=treeitem]').textContent, document.querySelector('.chip').textContent]",
    );
    assert.deepEqual(browsed, ["demo/", "app", "1.0"]);

    // Open the image: its config is read out, and its layers are the ones the engine sees.
    await session.click(".image-table tbody tr td:nth-child(2)");
    await waitFor("the image detail", () => session.find(".facts"), 20_000);
    assert.match(await session.run("return document.querySelector('.facts').textContent"), /\/app\/run/);
    await session.click('[role="tab"]:nth-child(2)');
    await waitFor("the layers", () => session.find("table.layers td.digest"), 10_000);
    const shownLayers = await session.run(
      "return [...document.querySelectorAll('table.layers td.digest')].map((td) => td.getAttribute('title'))",
    );
    const inspected = JSON.parse(
      execFileSync(lading, ["--json", "inspect", `${registry.host}/demo/app:1.0`], { env: { ...env, LADING_DATA_DIR: join(home, "data") } }).toString(),
    );
    assert.deepEqual(shownLayers, inspected.layers.map((l) => l.digest));
    await session.screenshot("image-detail.png");
    await session.screenshot("registry-added.png");

    // Restart the app: the registry is still there and connects again.
    await session.close();
    session = await openApp(base);
    await waitFor("the registry after a restart", () => session.find(".registry .status-connected"), 30_000);

    // Delete the image through the UI (the page's preview, then the backend's native question:
    // Cancel keeps it, yes deletes it) and see it gone.
    await session.click(".registry-button");
    await waitFor("the repository again", () => session.find('[role="treeitem"]'), 20_000);
    await session.click('[role="treeitem"]');
    await waitFor("the image row", () => session.find(".image-table tbody tr td:nth-child(2)"), 20_000);
    await session.click(".image-table tbody tr td:nth-child(2)");
    await session.click(".selection-bar .danger");
    await waitFor("the confirmation", () => session.find('[role="alertdialog"] .danger'), 10_000);
    assert.match(await session.run("return document.querySelector('[role=alertdialog]').textContent"), /\(1\.0\)/);
    await session.click('[role="alertdialog"] .danger');
    assert.equal(await questions.answer("^Delete 1 image from demo/app\\?$", false), "Delete 1 image from demo/app?");
    await sleep(500);
    assert.equal(await session.run("return document.querySelectorAll('.image-table tbody tr').length"), 1, "Cancel: the row stays");
    const tagsKept = JSON.parse(
      execFileSync(lading, ["--json", "tags", `${registry.host}/demo/app`], { env: { ...env, LADING_DATA_DIR: join(home, "data") } }).toString(),
    );
    assert.deepEqual(tagsKept, ["1.0"], "Cancel: the registry still has the tag");
    await session.click(".selection-bar .danger");
    await waitFor("the confirmation again", () => session.find('[role="alertdialog"] .danger'), 10_000);
    await session.click('[role="alertdialog"] .danger');
    await questions.answer("^Delete 1 image from demo/app\\?$", true);
    await waitFor("the deletion reported", () => session.find('.image-table [role="status"]'), 20_000);
    await waitFor(
      "the table empty",
      async () => (await session.run("return document.querySelectorAll('.image-table tbody tr').length")) === 0,
      20_000,
    );
    const tagsLeft = JSON.parse(
      execFileSync(lading, ["--json", "tags", `${registry.host}/demo/app`], { env: { ...env, LADING_DATA_DIR: join(home, "data") } }).toString(),
    );
    assert.deepEqual(tagsLeft, [], "the registry agrees the tag is gone");
  } finally {
    await session?.close();
    registry?.proc.kill("SIGKILL");
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});
