// The real Lading window under Xvfb, driven through tauri-driver + WebKitWebDriver.
// Needs: a built target/debug/lading-app (with the UI embedded), Xvfb, tauri-driver, WebKitWebDriver.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const outDir = join(repoRoot, "test-output", "e2e");
const app = join(repoRoot, "target", "debug", "lading-app");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function findTauriDriver() {
  for (const dir of (process.env.PATH || "").split(":").concat(join(homedir(), ".cargo", "bin"))) {
    const candidate = join(dir, "tauri-driver");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("tauri-driver not found: run `./dev setup` (cargo install tauri-driver --version '^2' --locked)");
}

function freeDisplay() {
  for (let n = 99; n < 199; n++) {
    if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  }
  throw new Error("no free X display number");
}

/** Starts a process with output to a log file (inherited stdio would keep the runner waiting). */
function start(cmd, args, logName, env = process.env) {
  const log = openSync(join(outDir, logName), "w");
  const child = spawn(cmd, args, { stdio: ["ignore", log, log], env, detached: false });
  return child;
}

async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

async function wd(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value)}`);
  return json.value;
}

/** A real docker-registry on a free loopback port, for the app to connect to. */
async function startRegistry(dir) {
  const port = await freePort();
  const config = join(dir, "registry.yml");
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "storage")}\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const proc = start("docker-registry", ["serve", config], "registry.log");
  await waitFor("docker-registry", async () => (await fetch(`http://127.0.0.1:${port}/v2/`)).ok, 20_000);
  return { proc, host: `127.0.0.1:${port}` };
}

test("the app window opens and renders the shell", { timeout: 180_000 }, async () => {
  assert.ok(existsSync(app), `${app} is missing: run \`cargo build --bin lading-app\` first`);
  mkdirSync(outDir, { recursive: true });
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "xvfb.log");
  const port = await freePort();
  const nativePort = await freePort();
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
    const created = await wd(base, "POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } },
    });
    session = created.sessionId;
    const s = `/session/${session}`;

    const find = (css) => wd(base, "POST", `${s}/element`, { using: "css selector", value: css });
    const text = async (css) => {
      const el = await find(css);
      return wd(base, "GET", `${s}/element/${Object.values(el)[0]}/text`);
    };

    await waitFor("the shell", () => find('[data-testid="app-shell"]'), 60_000);
    assert.equal(await wd(base, "GET", `${s}/title`), "Lading");
    assert.match(await text('[data-testid="registries-empty"]'), /No registries yet/);
    // The footer's version comes from the real Rust command over real IPC.
    const status = await waitFor("app_info over IPC", async () => {
      const t = await text('[data-testid="backend-status"]');
      return /^v\d+\.\d+\.\d+ · linux\//.test(t) ? t : null;
    }, 20_000);
    assert.match(status, /^v0\.1\.0 · linux\/\w+/);

    await sleep(300);
    const png = await wd(base, "GET", `${s}/screenshot`);
    writeFileSync(join(outDir, "shell.png"), Buffer.from(png, "base64"));

    // Add a real registry through the real dialog; the backend checks it before keeping it.
    registry = await startRegistry(home);
    const click = async (css) => wd(base, "POST", `${s}/element/${Object.values(await find(css))[0]}/click`, {});
    const type = async (css, text) =>
      wd(base, "POST", `${s}/element/${Object.values(await find(css))[0]}/value`, { text });
    await click(".add-button");
    await waitFor("the add dialog", () => find('[role="dialog"] input'), 10_000);
    await type('[role="dialog"] input', registry.host);
    await click('[role="dialog"] button[type="submit"]');
    await waitFor("the registry in the sidebar, connected", () => find(".registry .status-connected"), 20_000);
    const listed = await wd(base, "POST", `${s}/execute/sync`, {
      script: "return [...document.querySelectorAll('.registry .registry-name')].map((e) => e.textContent)",
      args: [],
    });
    assert.deepEqual(listed, [registry.host]);
    await sleep(300);
    writeFileSync(join(outDir, "registry-added.png"), Buffer.from(await wd(base, "GET", `${s}/screenshot`), "base64"));

    // Restart the app: the registry is still there and connects again.
    await wd(base, "DELETE", s);
    session = undefined;
    const again = await wd(base, "POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } },
    });
    session = again.sessionId;
    const s2 = `/session/${session}`;
    const find2 = (css) => wd(base, "POST", `${s2}/element`, { using: "css selector", value: css });
    await waitFor("the registry after a restart", () => find2(".registry .status-connected"), 30_000);
  } finally {
    registry?.proc.kill("SIGKILL");
    if (session) await wd(base, "DELETE", `/session/${session}`).catch(() => {});
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    xvfb.kill("SIGKILL");
  }
});
