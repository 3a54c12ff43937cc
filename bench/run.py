#!/usr/bin/env python3
"""Benchmarks `lading` against skopeo on the same machine, in one run, against Debian's
docker-registry on loopback. Prints a table of medians and lading/skopeo ratios.

usage: bench/run.py [--runs 3] [--layers 8] [--mib 64] [--big-mib 2048] [--no-rss]

Every push measurement gets a fresh, empty registry and a cold cache on both sides (skopeo's
blob-info cache is cleared; lading gets an empty LADING_DATA_DIR). Re-push, pull and copy run
against a registry that already holds the image, as a user would.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LADING = os.path.join(ROOT, "target", "release", "lading")
SKOPEO_CACHES = ["/var/lib/containers/cache", os.path.expanduser("~/.local/share/containers/cache")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    def __init__(self, workdir):
        self.dir = tempfile.mkdtemp(prefix="registry-", dir=workdir)
        self.port = free_port()
        config = os.path.join(self.dir, "config.yml")
        with open(config, "w") as f:
            f.write(f"""version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {self.dir}/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{self.port}
""")
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen(["docker-registry", "serve", config], stdout=self.log, stderr=self.log)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/v2/", timeout=1)
                return
            except Exception:
                time.sleep(0.05)
        raise SystemExit("docker-registry did not start")

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def clear_skopeo_cache():
    for c in SKOPEO_CACHES:
        shutil.rmtree(c, ignore_errors=True)


def lading_env(data_dir):
    env = dict(os.environ)
    env["LADING_DATA_DIR"] = data_dir
    return env


def compressed_size(host, repo):
    out = subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false", f"docker://{host}/{repo}"],
                         check=True, capture_output=True, text=True).stdout
    import json
    return sum(layer["size"] for layer in json.loads(out)["layers"])


def peak_rss_kib(cmd, env):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, env=env, check=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    return int(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--mib", type=float, default=64)
    p.add_argument("--big-mib", type=int, default=2048)
    p.add_argument("--no-rss", action="store_true")
    p.add_argument("--workdir", default=os.path.join(ROOT, "target", "bench"))
    a = p.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "lading-cli"], cwd=ROOT, check=True)
    os.makedirs(a.workdir, exist_ok=True)
    archive = os.path.join(a.workdir, f"image-{a.layers}x{a.mib:g}.tar")
    if not os.path.exists(archive):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_archive.py"), archive,
                        "--layers", str(a.layers), "--mib", str(a.mib)], check=True)
    mib = os.path.getsize(archive) / 2**20
    print(f"archive: {archive} ({mib:.0f} MiB), {a.runs} runs, medians\n")

    results = {k: {"lading": [], "skopeo": []} for k in ["push", "re-push", "pull to OCI layout", "copy across repos"]}
    sizes = {}
    for run in range(a.runs):
        # push: fresh registry and cold caches for each tool
        for tool in ("skopeo", "lading"):
            reg = Registry(a.workdir)
            try:
                data = tempfile.mkdtemp(dir=a.workdir)
                if tool == "skopeo":
                    clear_skopeo_cache()
                    t = timed(["skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                               f"docker-archive:{archive}", f"docker://{reg.host}/bench/app:v1"])
                    rt = timed(["skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                                f"docker-archive:{archive}", f"docker://{reg.host}/bench/app:v1"])
                else:
                    env = lading_env(data)
                    t = timed([LADING, "push", "-q", archive, f"{reg.host}/bench/app:v1"], env)
                    rt = timed([LADING, "push", "-q", archive, f"{reg.host}/bench/app:v1"], env)
                results["push"][tool].append(t)
                results["re-push"][tool].append(rt)
                sizes[tool] = compressed_size(reg.host, "bench/app:v1")

                # pull to an OCI layout, then a copy across repositories of the same registry
                out = tempfile.mkdtemp(dir=a.workdir)
                shutil.rmtree(out)
                if tool == "skopeo":
                    pt = timed(["skopeo", "copy", "--quiet", "--src-tls-verify=false",
                                f"docker://{reg.host}/bench/app:v1", f"oci:{out}:v1"])
                    ct = timed(["skopeo", "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
                                f"docker://{reg.host}/bench/app:v1", f"docker://{reg.host}/other/app:v1"])
                else:
                    pt = timed([LADING, "pull", "-q", f"{reg.host}/bench/app:v1", f"oci:{out}"], env)
                    ct = timed([LADING, "copy", "-q", f"{reg.host}/bench/app:v1", f"{reg.host}/other/app:v1"], env)
                results["pull to OCI layout"][tool].append(pt)
                results["copy across repos"][tool].append(ct)
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(data, ignore_errors=True)
            finally:
                reg.stop()
        print(f"  run {run + 1}/{a.runs} done", file=sys.stderr)

    print(f"{'operation':<22}{'lading s':>10}{'skopeo s':>10}{'ratio':>8}")
    for name, r in results.items():
        l, s = statistics.median(r["lading"]), statistics.median(r["skopeo"])
        print(f"{name:<22}{l:>10.3f}{s:>10.3f}{l / s:>8.2f}")
    print(f"\ncompressed layers: lading {sizes['lading'] / 2**20:.1f} MiB, skopeo {sizes['skopeo'] / 2**20:.1f} MiB "
          f"({(sizes['lading'] / sizes['skopeo'] - 1) * 100:+.1f}%)")

    if not a.no_rss:
        big = os.path.join(a.workdir, f"image-1x{a.big_mib}.tar")
        if not os.path.exists(big):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_archive.py"), big,
                            "--layers", "1", "--mib", str(a.big_mib), "--files", "2000"], check=True)
        reg = Registry(a.workdir)
        try:
            data = tempfile.mkdtemp(dir=a.workdir)
            start = time.perf_counter()
            rss = peak_rss_kib([LADING, "push", "-q", big, f"{reg.host}/big/app:v1"], lading_env(data))
            took = time.perf_counter() - start
            print(f"peak RSS pushing one {a.big_mib} MiB layer: {rss / 1024:.1f} MiB ({took:.1f} s)")
            shutil.rmtree(data, ignore_errors=True)
        finally:
            reg.stop()


if __name__ == "__main__":
    main()
