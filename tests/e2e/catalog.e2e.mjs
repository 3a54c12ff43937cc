// A registry that lists no repositories (its token service never grants the catalog, as Docker
// Hub and GHCR): in the real window the pane says why, a repository is opened by name (a wrong
// name is refused in place), its images are browsed, and it is still listed after a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoEnv, serveDemo, findTauriDriver, freeDisplay, freePort, openApp, sleep, start, waitFor, stopX } from "./support.mjs";

const HUB = "No-catalog registry (like Docker Hub)";

test("a registry without a catalog is browsed by name", { timeout: 180_000 }, async () => {
  const { demo, served } = await serveDemo(["--tags", "3", "--ecr-tags", "1", "--without-catalog"]);
  assert.ok(served.without_catalog, "the demo started its no-catalog registry");
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "catalog-xvfb.log");
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-catalog-"));
  const env = demoEnv(served, display, home);
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "catalog-tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  const openHub = () => session.run(`[...document.querySelectorAll('.registry-button')].find((b) => b.textContent.includes(${JSON.stringify(HUB)})).click()`);
  let session;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("three registries connected", async () => (await session.run("return document.querySelectorAll('.registry .status-connected').length")) === 3, 60_000);

    // The catalog is refused: said in plain words, not as a failure.
    await openHub();
    const notice = await waitFor("the no-catalog notice", () => session.run("return document.querySelector('.catalog-unreadable')?.textContent ?? null"), 20_000);
    assert.match(notice, /^No list of repositories here: its catalog is not open to this sign-in\./);
    assert.equal(await session.run("return document.querySelectorAll('[role=treeitem]').length"), 0);
    await session.screenshot("catalog-none.png");

    // Open by name: a misspelt one is refused in the dialog, the right one opens and its images list.
    await session.run("[...document.querySelectorAll('.catalog-unreadable button')].find((b) => b.textContent === 'Open repository…').click()");
    await waitFor("the open dialog", () => session.find('[aria-labelledby="open-repository-title"] input'), 10_000);
    await session.type('[aria-labelledby="open-repository-title"] input', "library/ngnix");
    await session.click('[aria-labelledby="open-repository-title"] button[type="submit"]');
    const refused = await waitFor("the refusal", () => session.run("return document.querySelector('[aria-labelledby=open-repository-title] .form-error')?.textContent ?? null"), 20_000);
    assert.match(refused, /has no repository library\/ngnix/);
    await session.clear('[aria-labelledby="open-repository-title"] input');
    await session.type('[aria-labelledby="open-repository-title"] input', "library/nginx");
    await session.click('[aria-labelledby="open-repository-title"] button[type="submit"]');
    await waitFor("the repository selected", () => session.run("return document.querySelector('[role=treeitem][title=\"library/nginx\"]')?.getAttribute('aria-selected') === 'true'"), 20_000);
    const chips = await waitFor(
      "its tags",
      async () => {
        const shown = await session.run("return [...document.querySelectorAll('.image-table .chip')].map((c) => c.textContent).sort()");
        return shown.length === 2 && shown;
      },
      20_000,
    );
    assert.deepEqual(chips, ["1.27", "latest"]);
    await session.screenshot("catalog-opened.png");

    // Remembered: after a restart the registry lists it.
    await session.close();
    session = await openApp(base);
    await waitFor("three registries connected again", async () => (await session.run("return document.querySelectorAll('.registry .status-connected').length")) === 3, 60_000);
    await openHub();
    await waitFor("the remembered repository", () => session.find('[role="treeitem"][title="library/nginx"]'), 20_000);
    // Go to (Ctrl+K) with a pasted reference: the repository opens with that tag's image selected.
    await session.run("document.querySelector('[role=treeitem]').focus(); window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true }))");
    await waitFor("the Go to dialog", () => session.find('[aria-labelledby="go-to-title"] input'), 10_000);
    await session.type('[aria-labelledby="go-to-title"] input', `${served.without_catalog}/library/nginx:1.27`);
    await session.click('[aria-labelledby="go-to-title"] button[type="submit"]');
    const selected = await waitFor("the image selected", () => session.run("return document.querySelector('.image-row.selected')?.textContent ?? null"), 20_000);
    assert.match(selected, /1\.27/);
    await session.screenshot("catalog-go-to.png");

    // At the smallest window the notice and the Open… button still fit beside the list.
    await session.resize(900, 560);
    await session.screenshot("catalog-900x560.png");
  } catch (e) {
    await session?.explain("catalog-failure.png");
    throw e;
  } finally {
    await session?.close();
    demo.stdin.end();
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});
