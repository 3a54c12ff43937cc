// Push benchmark through the real window: the same ~507 MiB docker save archive (8 × 64 MiB layers,
// bench/gen_archive.py) pushed by the release app — opened with Local → Open…, Push… — and by the
// release `lading` CLI, each into its own fresh docker-registry on loopback (cold on both sides).
// The window's time runs from the click on Push to the result shown (polled every 50 ms).
// Usage: node bench/push_window.mjs [--mib 64] [--layers 8]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTauriDriver, freeDisplay, freePort, openApp, repoRoot, sleep, start, startRegistry, waitFor, stopX } from "../tests/e2e/support.mjs";

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const mib = option("--mib", "64");

// CPU seconds (user + system) used so far by each process whose name starts with one of `names`.
const TICKS = 100;
function cpuByName(names) {
  const total = Object.fromEntries(names.map((n) => [n, 0]));
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const name = names.find((n) => comm.startsWith(n));
      if (!name) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total[name] += (Number(fields[11]) + Number(fields[12])) / TICKS;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}
const WATCHED = ["lading-app", "WebKitWebProces", "WebKitNetworkPr", "Xvfb", "docker-registry"];

// Resident memory of the app (kB): now, and the peak since it started (VmRSS, VmHWM).
function appMemory() {
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      if (!/^Name:\s+lading-app$/m.test(status)) continue;
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
      return { rss: kb("VmRSS"), peak: kb("VmHWM") };
    } catch {
      // The process ended meanwhile.
    }
  }
  return { rss: NaN, peak: NaN };
}
const layers = option("--layers", "8");

execFileSync("cargo", ["build", "--release", "-p", "lading-app", "-p", "lading-cli", "--bin", "lading-app", "--bin", "lading"], {
  cwd: repoRoot,
  stdio: "inherit",
});
const app = join(repoRoot, "target", "release", "lading-app");
const cli = join(repoRoot, "target", "release", "lading");
const work = mkdtempSync(join(tmpdir(), "lading-bench-push-"));
const archive = join(work, "app.tar");
execFileSync("python3", [join(repoRoot, "bench", "gen_archive.py"), archive, "--layers", layers, "--mib", mib]);

// The CLI, cold: an empty data dir (no blob cache), a fresh registry.
const cliRegistry = await startRegistry(work);
let t = process.hrtime.bigint();
// Through python only to read the CLI's CPU time (getrusage of the child) once it ended.
const cliCpu = Number(
  execFileSync(
    "python3",
    ["-c", "import resource,subprocess,sys; subprocess.run(sys.argv[1:], check=True); r=resource.getrusage(resource.RUSAGE_CHILDREN); print(r.ru_utime + r.ru_stime)",
      cli, "push", "-q", archive, `${cliRegistry.host}/cli/app:1`],
    { env: { ...process.env, LADING_DATA_DIR: join(work, "cli-data") } },
  )
    .toString()
    .trim()
    .split("\n")
    .pop(),
);
const cliSeconds = Number(process.hrtime.bigint() - t) / 1e9;
cliRegistry.proc.kill("SIGKILL");

// The window, cold: a fresh registry added through the dialog, the archive opened by path.
const uiRegistry = await startRegistry(work);
const display = freeDisplay();
const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "bench-push-xvfb.log");
const home = mkdtempSync(join(tmpdir(), "lading-bench-push-home-"));
const env = { ...process.env, DISPLAY: `:${display}`, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".local/share") };
const [port, nativePort] = [await freePort(), await freePort()];
const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "bench-push-driver.log", env);
const base = `http://127.0.0.1:${port}`;
let session;
let uiSeconds;
let cpuBefore;
let cpuAfter;
let memoryBefore;
let memoryAfter;
try {
  await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
  await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
  session = await openApp(base, app);
  await waitFor("the shell", () => session.find('[data-testid="app-shell"]'), 60_000);
  await session.click(".add-button");
  await waitFor("the add dialog", () => session.find('[data-testid="address"]'), 10_000);
  await session.type('[data-testid="address"]', uiRegistry.host);
  await session.click('[role="dialog"] button[type="submit"]');
  await waitFor("the registry connected", () => session.find(".registry .status-connected"), 20_000);
  await session.run("[...document.querySelectorAll('.group-action')].find((b) => b.textContent === 'Open…').click()");
  await waitFor("the open dialog", () => session.find('[role="dialog"] input'), 10_000);
  await session.type('[role="dialog"] input', archive);
  await session.click('[role="dialog"] button[type="submit"]');
  await waitFor("the archive's image", () => session.find('[role="option"]'), 60_000);
  await session.click('[role="option"]');
  await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Push…').click()");
  await waitFor("the push sheet", () => session.find('[aria-label="Push image"] button[type="submit"]'), 10_000);
  const status = "return document.querySelector('[aria-label=Transfers] .transfer-result')?.textContent ?? ''";
  memoryBefore = appMemory();
  cpuBefore = cpuByName(WATCHED);
  t = process.hrtime.bigint();
  await session.click('[aria-label="Push image"] button[type="submit"]');
  for (;;) {
    const text = await session.run(status);
    if (text) break;
    const failed = await session.run("return document.querySelector('[aria-label=Transfers] [role=alert]')?.textContent ?? ''");
    if (failed) throw new Error(failed);
    await sleep(50);
  }
  uiSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  cpuAfter = cpuByName(WATCHED);
  memoryAfter = appMemory();
  await session.screenshot("bench-push-window.png");
} finally {
  await session?.close();
  uiRegistry.proc.kill("SIGKILL");
  driver.kill("SIGKILL");
  stopX(xvfb);
}
console.log(`\npush of ${layers} × ${mib} MiB (docker save archive), release builds, fresh registries`);
console.log(`| pusher | seconds |\n| --- | ---: |`);
console.log(`| lading CLI | ${cliSeconds.toFixed(3)} |`);
console.log(`| Lading window (click → result shown) | ${uiSeconds.toFixed(3)} |`);
console.log(`ratio window / CLI: ${(uiSeconds / cliSeconds).toFixed(2)}`);
console.log(`\nCPU seconds during the push (2 cores: at most ${(2 * uiSeconds).toFixed(2)} in the window's run)`);
console.log(`| process | CPU s |\n| --- | ---: |`);
console.log(`| lading CLI (its whole run) | ${cliCpu.toFixed(2)} |`);
for (const name of WATCHED) console.log(`| ${name} (window run) | ${(cpuAfter[name] - cpuBefore[name]).toFixed(2)} |`);
const inMiB = (kb) => (kb / 1024).toFixed(0);
console.log(
  `\nlading-app resident memory: ${inMiB(memoryBefore.rss)} MiB before the push, peak ${inMiB(memoryAfter.peak)} MiB (VmHWM, since start), ${inMiB(memoryAfter.rss)} MiB after`,
);
process.exit(0);
