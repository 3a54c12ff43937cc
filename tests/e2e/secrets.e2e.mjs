// The security boundary, in the real app: sign in to a password-protected registry through the UI
// (the password goes into gnome-keyring's Secret Service in a private D-Bus session), restart, and
// check that no IPC response or event payload, no log line and no settings file ever held it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { app, findTauriDriver, freeDisplay, freePort, openApp, outDir, sleep, start, startRegistry, waitFor, stopX } from "./support.mjs";

const SECRET = "e2e-Secret-9f3a7c";
const USER = "e2e-user";

// Every IPC answer the UI receives passes through ui/src/ipc (the only module that talks to Tauri),
// which appends it to this array when a test provides one.
const RECORDER = "window.__LADING_RECORD_IPC__ = window.__LADING_RECORD_IPC__ || []; return true";

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test("a password never reaches the web view, the logs or the settings", { timeout: 240_000 }, async () => {
  assert.ok(existsSync(app), `${app} is missing: run \`cargo build --bin lading-app\` first`);
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "xvfb-secrets.log");
  const [port, nativePort] = [await freePort(), await freePort()];
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-secrets-"));
  const env = {
    ...process.env,
    DISPLAY: `:${display}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_DATA_HOME: join(home, ".local/share"),
    LADING_LOG: "debug",
  };
  // tauri-driver (and so the app) runs inside a D-Bus session with an unlocked gnome-keyring.
  const driver = start(
    "dbus-run-session",
    ["--", "sh", "-c", `echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${findTauriDriver()} --port ${port} --native-port ${nativePort}`],
    "tauri-driver-secrets.log",
    env,
  );
  const base = `http://127.0.0.1:${port}`;
  let session;
  let registry;
  const recorded = [];
  try {
    registry = await startRegistry(home, { user: USER, password: SECRET });
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("the shell", () => session.find('[data-testid="app-shell"]'), 60_000);
    await session.run(RECORDER);

    // A wrong password first: refused, nothing kept, and the refusal does not echo it.
    await session.click(".add-button");
    await waitFor("the add dialog", () => session.find('[data-testid="address"]'), 10_000);
    await session.type('[data-testid="address"]', registry.host);
    await session.click('[data-testid="auth-password"]');
    await session.type('[data-testid="username"]', USER);
    await session.type('[data-testid="password"]', "wrong-password");
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the refusal", () => session.find(".form-error"), 20_000);
    assert.match(await session.text(".form-error"), /rejected the credentials/);
    // Then the right one.
    await session.clear('[data-testid="password"]');
    await session.type('[data-testid="password"]', SECRET);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("connected with the password", () => session.find(".registry .status-connected"), 20_000);
    recorded.push(...(await session.run("return window.__LADING_RECORD_IPC__")));

    // Restart: the login comes back from the keychain alone.
    await session.close();
    session = await openApp(base);
    await waitFor("the shell again", () => session.find('[data-testid="app-shell"]'), 60_000);
    await session.run(RECORDER);
    await waitFor("connected after the restart", () => session.find(".registry .status-connected"), 30_000);
    recorded.push(...(await session.run("return window.__LADING_RECORD_IPC__")));
    await session.screenshot("secrets-after-restart.png");
  } finally {
    await session?.close();
    registry?.proc.kill("SIGKILL");
    driver.kill("SIGTERM");
    await sleep(500);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }

  const commands = recorded.map((r) => r.cmd).filter(Boolean);
  for (const expected of ["add_oci_registry", "list_registries", "check_registry"]) {
    assert.ok(commands.includes(expected), `recorded ${expected}: ${commands}`);
  }
  // The scan sees real answers (the username is in them) and none holds the password.
  assert.ok(JSON.stringify(recorded).includes(USER), "the recorded answers are the real ones");
  assert.ok(!JSON.stringify(recorded).includes(SECRET), "an IPC answer carried the password");
  const log = readFileSync(join(outDir, "tauri-driver-secrets.log"), "utf8");
  assert.match(log, /reqwest::connect/, "the app's own debug log was captured");
  assert.ok(!log.includes(SECRET), "the log output carried the password");
  for (const file of filesUnder(join(home, ".config"))) {
    assert.ok(!readFileSync(file, "utf8").includes(SECRET), `${file} holds the password`);
  }
});
