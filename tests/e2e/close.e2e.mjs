// Closing the real window while a push runs, the way a window manager asks (WM_DELETE_WINDOW,
// sent by tests/e2e/native/wm-close.c): the app asks first; "Keep running" keeps the push going;
// "Quit" cancels it and exits, and the registry has no tag (no manifest was written). The push
// goes through a loopback proxy that slows uploads, so it is still running when the close comes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTauriDriver, freeDisplay, freePort, openApp, repoRoot, sleep, start, startRegistry, waitFor, stopX } from "./support.mjs";

/** A TCP proxy to `target` that lets client → server bytes through at `rate` bytes/s in all. */
async function throttlingProxy(target, rate) {
  const [host, port] = target.split(":");
  let nextFree = Date.now();
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.on("data", (chunk) => {
      const start = Math.max(Date.now(), nextFree);
      nextFree = start + (chunk.length / rate) * 1000;
      upstream.write(chunk);
      client.pause();
      setTimeout(() => client.resume(), nextFree - Date.now());
    });
    client.on("end", () => upstream.end());
  });
  const listening = await freePort();
  await new Promise((resolve) => server.listen(listening, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${listening}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

test("closing the window during a push asks first; quitting cancels it and leaves no tag", { timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), "lading-e2e-close-"));
  const wmClose = join(work, "wm-close");
  execFileSync("cc", ["-O2", "-o", wmClose, join(repoRoot, "tests", "e2e", "native", "wm-close.c"), "-lX11"]);
  const registry = await startRegistry(work);
  // ~24 MiB of gzip'd layers at 2 MiB/s: the push runs for ~12 s, far longer than the test needs.
  const proxy = await throttlingProxy(registry.host, 2 << 20);
  const archive = join(work, "app.tar");
  execFileSync("python3", [join(repoRoot, "bench", "gen_archive.py"), archive, "--layers", "2", "--mib", "24", "--files", "4"]);

  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "close-xvfb.log");
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-close-home-"));
  const env = { ...process.env, DISPLAY: `:${display}`, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "close-tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  const closeWindow = () => execFileSync(wmClose, ["Lading"], { env });
  const question = () => session.run("return document.querySelector('[role=alertdialog]')?.textContent ?? null");
  const panel = () => session.run("return document.querySelector('[aria-label=Transfers]')?.textContent ?? ''");
  let session;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("the shell", () => session.find('[data-testid="app-shell"]'), 60_000);
    await session.click(".add-button");
    await waitFor("the add dialog", () => session.find('[data-testid="address"]'), 10_000);
    await session.type('[data-testid="address"]', proxy.host);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the registry connected", () => session.find(".registry .status-connected"), 30_000);

    await session.run("[...document.querySelectorAll('.group-action')].find((b) => b.textContent === 'Open…').click()");
    await waitFor("the open dialog", () => session.find('[role="dialog"] input'), 10_000);
    await session.type('[role="dialog"] input', archive);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the archive's image", () => session.find('[role="option"]'), 30_000);
    await session.click('[role="option"]');
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Push…').click()");
    await waitFor("the push sheet", () => session.find('[aria-label="Push image"] input'), 10_000);
    await session.clear('[aria-label="Push image"] input');
    await session.type('[aria-label="Push image"] input', "closing/app");
    await session.click('[aria-label="Push image"] button[type="submit"]');
    await waitFor("bytes moving", async () => /1 running/.test(await panel()) && !/^0 B of/.test(await session.run("return document.querySelector('[data-testid=transfer-total]')?.textContent ?? '0 B of'")), 30_000);

    // The close button: the app asks instead of closing.
    closeWindow();
    const asked = await waitFor("the question", question, 10_000);
    assert.match(asked, /Quit while transfers run\?/);
    assert.match(asked, /Transfers not finished: 1 running\./);
    await session.screenshot("close-asked.png");
    await session.run("[...document.querySelectorAll('[role=alertdialog] button')].find((b) => b.textContent === 'Keep running').click()");
    await waitFor("the question gone", async () => (await question()) === null, 5_000);
    await sleep(500);
    assert.match(await panel(), /1 running/, "the push kept running");

    // Asked again; this time Quit: the push is cancelled and the app exits.
    closeWindow();
    await waitFor("the question again", question, 10_000);
    // Clicked after the script returns: the click ends the app, which would otherwise fail the
    // WebDriver call that made it.
    await session.run("const quit = [...document.querySelectorAll('[role=alertdialog] button')].find((b) => b.textContent === 'Quit'); setTimeout(() => quit.click(), 50); return true");
    await waitFor("the app gone", async () => {
      try {
        await session.run("return 1");
        return false;
      } catch {
        return true;
      }
    }, 20_000);
    const tags = await fetch(`http://${registry.host}/v2/closing/app/tags/list`);
    const body = await tags.json();
    assert.ok(tags.status === 404 || !body.tags?.length, `the cancelled push left tags: ${JSON.stringify(body)}`);
  } finally {
    await session?.close();
    proxy.close();
    registry.proc.kill("SIGKILL");
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});
