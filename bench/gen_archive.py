#!/usr/bin/env python3
"""Writes a synthetic `docker save` archive for benchmarks.

Each layer is a tar of files whose bytes are half random, half a repeated line of text, so
gzip roughly halves it, as with typical application layers. Same recipe and sizes as
shared/bench/mkimage.py (8 layers of 64 MiB -> a 507 MiB archive), independently written.

usage: gen_archive.py OUT.tar [--layers 8] [--mib 64] [--files 200] [--seed 1] [--tag bench/app:latest]
"""
import argparse
import hashlib
import io
import json
import random
import tarfile


def layer(rng, size, files):
    per_file = max(1, size // files)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for n in range(files):
            noise = rng.randbytes(per_file // 2)
            # As in the reference generator: as many lines as 24-byte lines would fill the other
            # half, so files are ~52% noise (lines are 22-24 bytes).
            line = b"the quick brown fox %d\n" % n
            text = line * ((per_file - len(noise)) // 24 + 1)
            data = (noise + text)[:per_file]
            info = tarfile.TarInfo(f"app/d{n % 17}/file{n}.bin")
            info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
    tar.addfile(info, io.BytesIO(data))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=8)
    p.add_argument("--mib", type=float, default=64)
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tag", default="bench/app:latest")
    a = p.parse_args()
    rng = random.Random(a.seed)
    with tarfile.open(a.out, "w") as tar:
        diff_ids, paths = [], []
        for _ in range(a.layers):
            data = layer(rng, int(a.mib * 1024 * 1024), a.files)
            digest = hashlib.sha256(data).hexdigest()
            diff_ids.append("sha256:" + digest)
            paths.append(f"{digest}/layer.tar")
            add(tar, paths[-1], data)
            del data
        config = json.dumps({
            "architecture": "amd64", "os": "linux", "created": "2024-01-01T00:00:00Z",
            "config": {"Env": ["PATH=/usr/bin"], "Cmd": ["/app/run"], "Labels": {"bench": "1"}},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [{"created_by": "bench layer %d" % i} for i in range(a.layers)],
        }).encode()
        config_name = hashlib.sha256(config).hexdigest() + ".json"
        add(tar, config_name, config)
        add(tar, "manifest.json", json.dumps([{"Config": config_name, "RepoTags": [a.tag], "Layers": paths}]).encode())
    print(f"{a.out}: {a.layers} layers of {a.mib} MiB")


if __name__ == "__main__":
    main()
