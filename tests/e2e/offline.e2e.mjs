// A registry that goes away half-way, in the real window: browsing it, then the registry stops;
// a refresh says in plain words that nothing answers, its dot turns red with the reason, and once
// it runs again (same port, same storage) Try again brings the repositories and images back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTauriDriver, freeDisplay, freePort, openApp, repoRoot, sleep, start, startRegistry, waitFor, stopX } from "./support.mjs";

test("a registry that stops answering is said so, and Try again brings it back", { timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), "lading-e2e-offline-"));
  let registry = await startRegistry(work);
  const archive = join(work, "app.tar");
  execFileSync("python3", [join(repoRoot, "bench", "gen_archive.py"), archive, "--layers", "1", "--mib", "1", "--files", "2"]);
  execFileSync("skopeo", ["copy", "--quiet", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${registry.host}/team/app:1.0`]);

  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "offline-xvfb.log");
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-offline-home-"));
  const env = { ...process.env, DISPLAY: `:${display}`, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "offline-tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  const text = (selector) => session.run(`return document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`);
  let session;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("the shell", () => session.find('[data-testid="app-shell"]'), 60_000);
    await session.click(".add-button");
    await waitFor("the add dialog", () => session.find('[data-testid="address"]'), 10_000);
    await session.type('[data-testid="address"]', registry.host);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the registry connected", () => session.find(".registry .status-connected"), 30_000);
    await waitFor("its repository", () => session.find('[role="treeitem"][title="team/app"]'), 20_000);
    await session.click('[role="treeitem"][title="team/app"]');
    await waitFor("its image", async () => /1\.0/.test((await text(".image-table tbody")) ?? ""), 20_000);

    // The registry goes away; the next read finds out and says so in plain words.
    registry.proc.kill("SIGKILL");
    await sleep(300);
    await session.run("document.querySelector('.image-table button.refresh').click()");
    const reason = await waitFor("the registry marked unreachable", () => session.run("return document.querySelector('.registry .status-unreachable')?.getAttribute('title') ?? null"), 30_000);
    assert.match(reason, /nothing answers there \(connection refused\)/);
    assert.doesNotMatch(reason, /os error|tcp connect/, "the library's words stay in the detail");
    const pane = await waitFor("the pane says so", () => text(".empty-state"), 10_000);
    assert.match(pane, /Unreachable/);
    await session.screenshot("offline-unreachable.png");

    // Running again on the same port and storage: Try again lists it all again.
    const port5 = registry.host.split(":")[1];
    const proc = start("docker-registry", ["serve", join(work, `registry-${port5}.yml`)], `registry-${port5}-again.log`);
    registry = { ...registry, proc };
    await waitFor("the registry back", async () => (await fetch(`http://${registry.host}/v2/`)).status === 200, 20_000);
    await session.run("[...document.querySelectorAll('.registry button.retry')].find((b) => b.textContent === 'Try again').click()");
    await waitFor("connected again", () => session.find(".registry .status-connected"), 30_000);
    await waitFor("the repository again", () => session.find('[role="treeitem"][title="team/app"]'), 20_000);
    await waitFor("the image again", async () => /1\.0/.test((await text(".image-table tbody")) ?? ""), 20_000);
    await session.screenshot("offline-back.png");
  } catch (e) {
    await session?.explain("offline-failure.png");
    throw e;
  } finally {
    await session?.close();
    registry.proc.kill("SIGKILL");
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});
