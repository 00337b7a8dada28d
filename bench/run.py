#!/usr/bin/env python3
"""`make bench`: the speed of `casualty-corpus build` beside a floor and a peer, in one table.

    python3 bench/run.py            # what `make bench` runs; writes bench/results.md

Steps (everything it makes lives under target/bench/):
  1. builds the release binary (`cargo build --release --locked`) and measures a copy of it, so a
     concurrent build in the shared target dir cannot swap it mid-run;
  2. sets up the peer's venv (target/bench/venv, from bench/requirements.txt, once);
  3. generates the corpora with bench/synth.py (cached by size, seed and generator digest);
  4. per size: the floor (`cat FILES | sha256sum`, then an in-process Python hashlib pass), then
     `casualty-corpus build` on the JSONL corpus at each thread count (fresh output each time),
     then at the peer sizes the datatrove pipeline (bench/peer_datatrove.py) on the same files;
     then at the Ray sizes scale/ray_build.py on a local Ray cluster of BENCH_RAY_WORKERS CPUs
     (`--local-cpus`: the driver gives each of the BENCH_RAY_SHARDS map tasks one thread, so that
     many worker processes map at a time) against `build --threads BENCH_RAY_WORKERS` on the same corpus:
     the ratio of their wall times, whether the two releases are byte-identical (SHA-256 of every
     file), and the memory of the driver and every process under it, sampled from /proc;
     then at the reduce sizes `casualty-corpus map` of every shard followed by `casualty-corpus
     reduce` alone, for the reduce's own seconds and peak RSS per million documents;
  5. a profile of one build (perf if `perf stat` works, else callgrind) on a small corpus;
  6. prints the table and rewrites the generated part of bench/results.md (between the
     `<!-- bench:begin -->` and `<!-- bench:end -->` markers; the notes outside them are kept).

Environment (all optional):
  BENCH_SIZES=100MB,1GB    corpus sizes (1 MB = 10^6 bytes of article text)
  BENCH_THREADS=1,2        --threads values for our build
  BENCH_PEER_SIZES=        sizes for datatrove (default: the smallest size only; `none` to skip)
  BENCH_PEER_WORKERS=2     datatrove worker processes
  BENCH_TXT_SIZES=         sizes also measured as a .txt directory (default: the smallest; `none`)
  BENCH_RAY_SIZES=         sizes for the Ray build (default: the smallest size only; `none` to skip)
  BENCH_RAY_WORKERS=2      CPUs of the local Ray cluster (`--local-cpus`), and the --threads of the
                           plain build it is compared with
  BENCH_RAY_SHARDS=8       map tasks (`--shards`)
  BENCH_RAY_PYTHON=.venv/bin/python   the Python with the pinned Ray (`make bench` builds .venv);
                           RAY_ADDRESS is ignored: the bench always starts a local cluster
  BENCH_REDUCE_SIZES=      sizes for map then reduce alone (default: every size; `none` to skip)
  BENCH_REDUCE_SHARDS=8    shards mapped before the reduce (default: BENCH_RAY_SHARDS)
  BENCH_REDUCE_THREADS=    --threads of those maps and of the reduce (default: the most of BENCH_THREADS)
  BENCH_PROFILE=perf|callgrind|none   (default: perf when usable, else callgrind)
  BENCH_PROFILE_SIZE=20MB  corpus size for the profile (callgrind uses 2MB)
  BENCH_BUDGET_MIN=32      minutes for the measurements (after the cargo build): a run predicted
                           from the rates seen so far to end later is skipped and listed as skipped
                           (the Ray run and the map + reduce alone add ~3 min at 100 MB, ~7 at 1 GB)
  BENCH_BINARY=PATH        measure this binary instead of building target/release/casualty-corpus
                           (results.md then names HEAD as the commit, which may not be the binary's)
  BENCH_SEED=42  BENCH_RESULTS=bench/results.md  CARGO=cargo  PYTHON=python3
"""
from __future__ import annotations

import datetime
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "target", "bench")
SYNTH = os.path.join(ROOT, "bench", "synth.py")
PEER = os.path.join(ROOT, "bench", "peer_datatrove.py")
REQS = os.path.join(ROOT, "bench", "requirements.txt")
VENV = os.path.join(BENCH, "venv")
TIME_V = "/usr/bin/time"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
MB = 10**6
MIB = 2**20


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_size(s: str) -> int:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMG]?B?)\s*", s.upper())
    if not m:
        sys.exit(f"error: bad size {s!r} (e.g. 100MB, 1GB)")
    return int(float(m.group(1)) * {"": 1, "B": 1, "K": 10**3, "KB": 10**3, "M": MB, "MB": MB, "G": 10**9, "GB": 10**9}[m.group(2)])


def size_label(n: int) -> str:
    return f"{n / 10**9:g}GB" if n >= 10**9 else f"{n / MB:g}MB"


def env_sizes(name: str, default: list[int]) -> list[int]:
    v = os.environ.get(name)
    if v is None or v.strip() == "":
        return default
    if v.strip().lower() == "none":
        return []
    return [parse_size(x) for x in v.split(",") if x.strip()]


def sh(cmd, **kw) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw).stdout.strip()


def has_time_v() -> bool:
    try:
        r = subprocess.run([TIME_V, "-v", "true"], capture_output=True, text=True)
        return r.returncode == 0 and "Maximum resident set size" in r.stderr
    except OSError:
        return False


USE_TIME_V = has_time_v()

# A fallback that measures one child alone: RUSAGE_CHILDREN of a fresh interpreter holds only it.
RUSAGE_WRAPPER = ("import resource, subprocess, sys, json\n"
                  "r = subprocess.run(sys.argv[1:])\n"
                  "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                  "sys.stderr.write('\\nBENCH_RUSAGE ' + json.dumps({'maxrss_kb': u.ru_maxrss, 'user': u.ru_utime, 'sys': u.ru_stime}) + '\\n')\n"
                  "sys.exit(r.returncode)\n")


def busy_cpu_seconds() -> float | None:
    """CPU seconds spent busy by the whole machine so far (all cores), from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class TreeSampler(threading.Thread):
    """Samples a process and every process under it every `interval` seconds, from /proc: the peak
    of their summed RSS and summed PSS (PSS splits shared pages between the processes mapping
    them, so the sum does not count Ray's shared libraries and object store once per worker),
    their CPU time, and the peak RSS of the processes whose command line matches `watch`.

    `/usr/bin/time -v` cannot give these for a Ray run: its peak RSS is that of the single
    largest process it waited for, and a worker that outlives the driver is not waited for."""

    def __init__(self, root: int, watch=None, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root, self.watch, self.interval = root, watch, interval
        self.done = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.watched_rss = 0
        self.cpu: dict[tuple[int, str], float] = {}  # (pid, start time) -> last CPU seconds seen
        self.names: dict[tuple[int, str], str] = {}
        self.watched: dict[tuple[int, str], bool] = {}
        self.samples = 0
        self.tick = os.sysconf("SC_CLK_TCK")
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def stop(self) -> None:
        self.done.set()
        self.join()

    def sample(self) -> None:
        stats = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            r = s.rfind(")")
            fields = s[r + 2:].split()  # fields from the state (field 3) on
            stats[int(name)] = (int(fields[1]), s[s.find("(") + 1:r], fields)
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                tree.append(pid)
                todo += children.get(pid, [])
        rss = pss = watched = 0
        for pid in tree:
            _, comm, fields = stats[pid]
            key = (pid, fields[19])  # the start time tells a reused pid apart
            self.cpu[key] = (int(fields[11]) + int(fields[12])) / self.tick
            self.names[key] = comm
            p_rss = int(fields[21]) * self.page
            rss += p_rss
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    m = re.search(r"^Pss:\s+(\d+) kB", f.read(), re.M)
                pss += int(m.group(1)) * 1024 if m else p_rss
            except OSError:
                pss += p_rss
            if self.watch is not None and key not in self.watched:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
                    self.watched[key] = bool(argv) and self.watch(argv)
                except OSError:
                    pass
            if self.watched.get(key):
                watched = max(watched, p_rss)
        self.samples += 1
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.watched_rss = max(self.watched_rss, watched)

    def result(self) -> dict:
        return {"tree_rss": self.peak_rss or None, "tree_pss": self.peak_pss or None, "watched_rss": self.watched_rss or None,
                "tree_cpu": sum(self.cpu.values()), "tree_processes": len(self.cpu), "samples": self.samples,
                "tree_names": sorted(set(self.names.values()))}


def measure(cmd: list[str], stdout=None, env=None, tree: bool = False, watch=None) -> dict:
    """Runs cmd; returns wall seconds, peak RSS (bytes), user/sys CPU seconds and its stderr.
    With `tree`, also what a TreeSampler saw of cmd and every process under it (tree_rss,
    tree_pss, tree_cpu, and watched_rss of the processes `watch(argv)` picks)."""
    wrapped = [TIME_V, "-v", *cmd] if USE_TIME_V else [sys.executable, "-c", RUSAGE_WRAPPER, *cmd]
    load = os.getloadavg()[0]
    busy0 = busy_cpu_seconds()
    t = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=stdout if stdout is not None else subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, env=env)
    sampler = TreeSampler(proc.pid, watch) if tree else None
    if sampler:
        sampler.start()
    out_text, err = proc.communicate()
    wall = time.perf_counter() - t
    busy1 = busy_cpu_seconds()
    if sampler:
        sampler.stop()
    r = subprocess.CompletedProcess(wrapped, proc.returncode, out_text, err)
    if r.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit(f"error: {' '.join(cmd[:3])} ... exited with {r.returncode}")
    out = {"seconds": wall, "stderr": err, "stdout": r.stdout if stdout is None else "", "load": load}
    if USE_TIME_V:
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        user = re.search(r"User time \(seconds\): ([\d.]+)", err)
        syst = re.search(r"System time \(seconds\): ([\d.]+)", err)
        out.update(rss=int(rss.group(1)) * 1024 if rss else None,
                   cpu=(float(user.group(1)) + float(syst.group(1))) if user and syst else None)
    else:
        m = re.search(r"BENCH_RUSAGE (\{.*\})", err)
        u = json.loads(m.group(1)) if m else {}
        out.update(rss=u.get("maxrss_kb", 0) * 1024 or None, cpu=(u.get("user", 0) + u.get("sys", 0)) or None)
    if sampler:
        out.update(sampler.result())
        # /usr/bin/time counts only the CPU of the processes it waited for; the samples see all
        out["cpu"] = max(out["cpu"] or 0.0, out["tree_cpu"]) or None
    # cores kept busy by everything else on the machine during the run (the run's own CPU removed)
    out["other"] = (max(0.0, (busy1 - busy0) - (out["cpu"] or 0)) / wall) if busy0 is not None and busy1 is not None and wall > 0 else None
    return out


# ---------------------------------------------------------------------------------------------
# set-up
# ---------------------------------------------------------------------------------------------

def build_binary() -> str:
    if os.environ.get("BENCH_BINARY"):
        log(f"measuring BENCH_BINARY={os.environ['BENCH_BINARY']} (no cargo build)")
        return os.path.abspath(os.environ["BENCH_BINARY"])
    cargo = os.environ.get("CARGO", "cargo")
    log("cargo build --release --locked (the first build compiles polars: ~10 minutes)")
    subprocess.run([cargo, "build", "--release", "--locked"], check=True, cwd=ROOT)
    src = os.path.join(ROOT, "target", "release", "casualty-corpus")
    dst = os.path.join(BENCH, "casualty-corpus")
    shutil.copy2(src, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    return dst


def setup_venv() -> str:
    py = os.path.join(VENV, "bin", "python")
    digest = hashlib.sha256(open(REQS, "rb").read()).hexdigest()
    stamp = os.path.join(VENV, ".installed")
    if os.path.exists(stamp) and open(stamp).read().strip() == digest:
        return py
    log("setting up the peer's venv (datatrove, spacy) in target/bench/venv")
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([os.environ.get("PYTHON", "python3"), "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQS], check=True)
    with open(stamp, "w") as f:
        f.write(digest + "\n")
    return py


def corpus(size: int, seed: int, fmt: str) -> str:
    """A cached corpus directory; `both` also serves a `jsonl` request."""
    gen = hashlib.sha256(open(SYNTH, "rb").read()).hexdigest()[:10]
    base = os.path.join(BENCH, "corpus")
    for f in ("both", fmt):
        d = os.path.join(base, f"{size_label(size)}-seed{seed}-{f}-{gen}")
        if os.path.exists(os.path.join(d, "synth.json")):
            return d
    d = os.path.join(base, f"{size_label(size)}-seed{seed}-{fmt}-{gen}")
    # drop corpora of other generator versions of this size and seed
    for old in glob.glob(os.path.join(base, f"{size_label(size)}-seed{seed}-*")):
        if not old.endswith(gen) and os.path.isdir(old):
            shutil.rmtree(old)
    log(f"generating the {size_label(size)} corpus ({fmt}) in {os.path.relpath(d, ROOT)}")
    t = time.perf_counter()
    subprocess.run([sys.executable, SYNTH, "--size", str(size), "--seed", str(seed), "--out", d, "--format", fmt], check=True)
    log(f"  generated in {time.perf_counter() - t:.1f}s")
    return d


def files_of(d: str) -> list[str]:
    out = []
    for root, dirs, files in os.walk(d):
        dirs.sort()
        out += [os.path.join(root, f) for f in sorted(files)]
    return out


# ---------------------------------------------------------------------------------------------
# measurements
# ---------------------------------------------------------------------------------------------

def floor(files: list[str], list_file: str) -> tuple[dict, dict]:
    with open(list_file, "wb") as f:
        f.write(b"\0".join(p.encode() for p in files) + b"\0")
    # one warm-up read so that every run below reads from the page cache alike
    subprocess.run(f"xargs -0 cat < '{list_file}' > /dev/null", shell=True, check=True)
    cat = measure(["sh", "-c", f"xargs -0 cat < '{list_file}' | sha256sum"])
    code = ("import hashlib, sys\n"
            "for p in open(sys.argv[1], 'rb').read().split(b'\\0')[:-1]:\n"
            "    h = hashlib.sha256()\n"
            "    with open(p, 'rb') as f:\n"
            "        while b := f.read(1 << 20):\n"
            "            h.update(b)\n"
            "    h.hexdigest()\n")
    py = measure([sys.executable, "-c", code, list_file])
    return cat, py


SUMMARY_TIME = re.compile(r"time: ([\d.]+)s \(map ([\d.]+)s, reduce ([\d.]+)s\)")
SUMMARY_INPUTS = re.compile(r"inputs: (\d+) read, (\d+) kept, (\d+) duplicates \((\d+) exact bytes, (\d+) exact text, (\d+) near\), (\d+) rejected")


def parse_inputs(r: dict) -> None:
    """The input counts of a build's or reduce's summary (`inputs: N read, ...`) into r."""
    i = SUMMARY_INPUTS.search(r["stderr"])
    if i:
        r["docs"], r["kept"], r["dups"], r["exact_raw"], r["exact_text"], r["near"], r["rejects"] = map(int, i.groups())
    else:
        r["docs"] = None


def release_digest(release: str) -> dict[str, str] | None:
    """SHA-256 of every file of a release, by relative path (two releases are byte-identical when
    these are equal: the same as `diff -r`)."""
    if not os.path.isdir(release):
        return None
    out = {}
    for p in files_of(release):
        h = hashlib.sha256()
        with open(p, "rb") as f:
            while b := f.read(1 << 20):
                h.update(b)
        out[os.path.relpath(p, release)] = h.hexdigest()
    return out


def same_release(a: dict | None, b: dict | None) -> str:
    if a is None or b is None:
        return "not compared (a release is missing)"
    if a == b:
        return f"byte-identical ({len(a)} files)"
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    return f"DIFFERENT: {len(differ)} of {len(set(a) | set(b))} files differ ({', '.join(differ[:5])})"


def ours(binary: str, inp: str, threads: int, out: str, digest: bool = False) -> dict:
    shutil.rmtree(out, ignore_errors=True)  # an existing identical release would make the build a no-op
    r = measure([binary, "build", "--input", inp, "--out", out, "--release-version", "0.0.0-bench", "--threads", str(threads)])
    m = SUMMARY_TIME.search(r["stderr"])
    r["map"], r["reduce"] = (float(m.group(2)), float(m.group(3))) if m else (None, None)
    parse_inputs(r)
    release = os.path.join(out, "0.0.0-bench")
    r["out_bytes"] = sum(os.path.getsize(p) for p in files_of(release)) if os.path.isdir(release) else None
    if digest:
        r["release_digest"] = release_digest(release)
    shutil.rmtree(out, ignore_errors=True)
    return r


RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}


def ray_python() -> tuple[str | None, str]:
    """The Python with the pinned Ray (the project's .venv, or BENCH_RAY_PYTHON); None and why not."""
    py = os.environ.get("BENCH_RAY_PYTHON") or os.path.join(ROOT, ".venv", "bin", "python")
    py = py if os.path.isabs(py) else os.path.join(ROOT, py)
    if not os.path.exists(py):
        return None, f"no {py} (run `make .venv/.installed`, or set BENCH_RAY_PYTHON)"
    r = subprocess.run([py, "-c", "import ray; print(ray.__version__)"], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"{py} cannot import ray"
    return py, r.stdout.strip()


def is_reduce(argv: list[str]) -> bool:
    return os.path.basename(argv[0]) == "casualty-corpus" and "reduce" in argv[1:]


def ray_build(py: str, binary: str, inp: str, workers: int, shards: int, work: str, out: str) -> dict:
    """scale/ray_build.py on a local Ray cluster of `workers` CPUs (one map task per CPU at a
    time), `shards` map tasks, then the reduce: the wall time of the whole driver (Python and Ray
    start-up, cluster start and shutdown included) and what the process tree used."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    env = {**os.environ, **RAY_ENV}
    env.pop("RAY_ADDRESS", None)  # always a local cluster of its own
    r = measure([py, os.path.join(ROOT, "scale", "ray_build.py"), "--input", inp, "--shards", str(shards),
                 "--local-cpus", str(workers), "--fresh", "--no-progress", "--work", work, "--out", out,
                 "--release-version", "0.0.0-bench", "--binary", binary], env=env, tree=True, watch=is_reduce)
    parse_inputs(r)
    runs = sorted(glob.glob(os.path.join(work, "runs", "*.json")))
    rec = json.load(open(runs[-1])) if runs else {}
    r["record"] = {k: rec.get(k) for k in ("threads_per_task", "map_seconds", "total_seconds")}
    r["record"]["connect_seconds"] = (rec.get("ray") or {}).get("connect_seconds")
    r["record"]["ray_version"] = (rec.get("ray") or {}).get("ray_version")
    r["record"]["reduce_seconds"] = (rec.get("reduce") or {}).get("seconds")
    r["record"]["shard_seconds"] = [s.get("seconds") for s in rec.get("shard_runs", [])]
    r["release_digest"] = release_digest(os.path.join(out, "0.0.0-bench"))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return r


def map_then_reduce(binary: str, inp: str, shards: int, threads: int, work: str, out: str) -> dict:
    """`casualty-corpus map` of every shard (one after the other, `threads` each), then
    `casualty-corpus reduce` alone under /usr/bin/time: the reduce's own wall time and peak RSS."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    maps = [measure([binary, "--quiet", "map", "--input", inp, "--shard", f"{k}/{shards}", "--work", work,
                     "--threads", str(threads)]) for k in range(1, shards + 1)]
    r = measure([binary, "reduce", "--work", work, "--out", out, "--release-version", "0.0.0-bench", "--threads", str(threads)])
    parse_inputs(r)
    r["map_seconds"] = sum(m["seconds"] for m in maps)
    r["map_rss"] = max((m["rss"] or 0) for m in maps) or None
    r["map_other"] = [m.get("other") for m in maps]
    r["work_bytes"] = sum(os.path.getsize(p) for p in files_of(os.path.join(work, "shards")))
    r["release_digest"] = release_digest(os.path.join(out, "0.0.0-bench"))
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return r


def peer(py: str, inp: str, workers: int, work: str) -> dict:
    r = measure([py, PEER, "--input", inp, "--work", work, "--workers", str(workers)])
    try:
        r["peer"] = json.loads(r["stdout"].strip().splitlines()[-1])
    except (ValueError, IndexError):
        r["peer"] = {}
    shutil.rmtree(work, ignore_errors=True)
    return r


def perf_usable() -> bool:
    try:
        return subprocess.run(["perf", "stat", "-e", "instructions", "true"], capture_output=True).returncode == 0
    except OSError:
        return False


# Where a build's CPU time goes, from the profile's inclusive (children) shares of these functions.
PROFILE_STAGES = [
    ("map, per input (everything below)", "casualty_corpus::map::map_item"),
    ("  ingest: read and decode JSONL", "casualty_corpus::ingest::formats::read_items"),
    ("  normalize", "casualty_corpus::normalize::Normalizer::run"),
    ("  language detection (whatlang)", "whatlang::core::detect::detect"),
    ("  dedup: MinHash signature", "casualty_corpus::dedup::minhash::signature"),
    ("  extract (sentences, claims, names, statements)", "casualty_corpus::extract::Extractor::run"),
    ("    of which claims", "casualty_corpus::extract::claims::sentence_claims"),
    ("  shard files written", "casualty_corpus::shard::ShardWriter::write"),
    ("reduce: dedup decisions, tables, Parquet + CSV, manifest", "casualty_corpus::reduce::reduce"),
    ("  release tables written (polars)", "casualty_corpus::release::writer::TableWriter::flush_batch"),
    ("SHA-256 (self)", "sha2::sha256::x86_sha::compress"),
]


def profile(binary: str, seed: int) -> dict:
    kind = os.environ.get("BENCH_PROFILE", "").strip().lower() or ("perf" if perf_usable() else "callgrind")
    if kind == "none":
        return {}
    if kind == "perf":
        size = parse_size(os.environ.get("BENCH_PROFILE_SIZE", "20MB"))
        inp = os.path.join(corpus(size, seed, "jsonl"), "jsonl")
        out, data = os.path.join(BENCH, "out-profile"), os.path.join(BENCH, "perf.data")
        shutil.rmtree(out, ignore_errors=True)
        log(f"profiling one build (perf record --call-graph dwarf, {size_label(size)}, --threads 1)")
        # call graphs from .eh_frame (the release profile has no debug info, but keeps unwind tables)
        subprocess.run(["perf", "record", "-F", "199", "--call-graph", "dwarf,16384", "-o", data, "--", binary, "build", "--quiet",
                        "--input", inp, "--out", out, "--release-version", "0.0.0-bench", "--threads", "1"],
                       check=True, cwd=ROOT, capture_output=True)
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--children", "--sort", "symbol", "-g", "none",
                              "--percent-limit", "0.3"], capture_output=True, text=True, cwd=ROOT).stdout
        shutil.rmtree(out, ignore_errors=True)
        syms = []  # (inclusive %, self %, symbol)
        for l in rep.splitlines():
            m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(.*?)(\s+-\s+-)?\s*$", l)
            if m:
                syms.append((float(m.group(1)), float(m.group(2)), m.group(3)))
        incl = lambda name: sum(i for i, _, n in syms if n == name)
        stages = [(label, incl(name)) for label, name in PROFILE_STAGES]
        top = sorted(syms, key=lambda x: -x[1])[:20]
        return {"tool": f"perf record -F 199 --call-graph dwarf ({size_label(size)} corpus, --threads 1, one CPU's samples)",
                "stages": stages, "top": [f"{sf:6.2f}%  {n[:110]}" for _, sf, n in top]}
    size = parse_size(os.environ.get("BENCH_PROFILE_SIZE", "2MB"))
    inp = os.path.join(corpus(size, seed, "jsonl"), "jsonl")
    out, data = os.path.join(BENCH, "out-profile"), os.path.join(BENCH, "callgrind.out")
    shutil.rmtree(out, ignore_errors=True)
    log(f"profiling one build (valgrind --tool=callgrind, {size_label(size)}, --threads 1)")
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={data}", binary, "build", "--quiet", "--input", inp,
                    "--out", out, "--release-version", "0.0.0-bench", "--threads", "1"], check=True, cwd=ROOT, capture_output=True)
    rep = subprocess.run(["callgrind_annotate", data], capture_output=True, text=True).stdout
    lines = [l.rstrip() for l in rep.splitlines() if re.match(r"^\s*[\d,]+ \(", l)]
    shutil.rmtree(out, ignore_errors=True)
    return {"tool": f"valgrind --tool=callgrind, callgrind_annotate ({size_label(size)} corpus, --threads 1)", "top": lines[:30]}


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------

def fmt(x, spec=".1f", none="-"):
    return none if x is None else format(x, spec)


def md_table(head: str, rows: list[list[str]]) -> list[str]:
    """A Markdown table: the header line, its separator (as many columns as the header) and rows."""
    cols = head.count("|") - 1
    for r in rows:
        assert len(r) == cols, f"a row of {len(r)} cells under {cols} columns"
    return [head, "|" + "---|" * cols] + ["| " + " | ".join(r) + " |" for r in rows]


def build_report(res: dict) -> tuple[str, str]:
    rows = res["rows"]
    head = ("| run | input | input MB | threads | seconds | MB/s | docs/s | peak RSS MiB | map s | reduce s "
            "| x sha256sum | x hashlib | peer / ours | other CPU |")
    lines = md_table(head, [[
            r["run"], r["input"], fmt(r["mb"]), str(r.get("threads", "-")), fmt(r["seconds"], ".2f"),
            fmt(r["mb"] / r["seconds"] if r["seconds"] else None, ".2f"),
            fmt(r["docs"] / r["seconds"] if r.get("docs") and r["seconds"] else None, ".0f"),
            fmt(r["rss"] / MIB if r.get("rss") else None, ".0f"), fmt(r.get("map"), ".2f"), fmt(r.get("reduce"), ".2f"),
            fmt(r.get("x_sha256sum"), ".1f"), fmt(r.get("x_hashlib"), ".1f"), fmt(r.get("peer_ratio"), ".1f"),
            fmt(r.get("other"), ".2f")] for r in rows])
    table = "\n".join(lines)
    return table, "\n".join(targets(res))


def targets(res: dict) -> list[str]:
    rows = res["rows"]
    build = [r for r in rows if r["run"] == "casualty-corpus" and r["input"] == "jsonl"]
    out = []
    if not build:
        return ["no build was measured"]
    big = max(r["mb"] for r in build)
    at_big = {r["threads"]: r for r in build if r["mb"] == big}
    t2 = at_big.get(2) or at_big[max(at_big)]
    gb = big >= 1000
    verdict = lambda ok: "**met**" if ok else "**not met**"

    mbs = t2["mb"] / t2["seconds"]
    out.append(f"- >= 50 MB/s with 2 threads on 1 GB: {mbs:.1f} MB/s at {big:.0f} MB, {t2['threads']} threads: "
               + (verdict(mbs >= 50) if gb and t2["threads"] == 2 else "not measured at 1 GB with 2 threads (" + verdict(mbs >= 50) + " at this size)"))

    peers = [r for r in rows if r["run"].startswith("datatrove")]
    if peers:
        p = peers[-1]
        ratio = p.get("peer_ratio")
        out.append(f"- >= 10x faster than datatrove: datatrove {p['seconds']:.1f}s vs ours "
                   f"{p['seconds'] / ratio if ratio else float('nan'):.1f}s on {p['mb']:.0f} MB = {fmt(ratio, '.1f')}x: "
                   + (verdict(ratio >= 10) if ratio else "not measured"))
    else:
        out.append("- >= 10x faster than datatrove: not measured (BENCH_PEER_SIZES=none)")

    x = t2.get("x_sha256sum")
    xh = t2.get("x_hashlib")
    out.append(f"- within 5x of the floor: build / `sha256sum` = {fmt(x, '.1f')}x, build / hashlib = {fmt(xh, '.1f')}x "
               f"at {big:.0f} MB, {t2['threads']} threads: " + verdict(x is not None and x <= 5))

    both = [mb for mb in sorted({r["mb"] for r in build}, reverse=True)
            if {1, 2} <= {r["threads"] for r in build if r["mb"] == mb}]
    if both:
        one = next(r for r in build if r["mb"] == both[0] and r["threads"] == 1)
        two = next(r for r in build if r["mb"] == both[0] and r["threads"] == 2)
        s = one["seconds"] / two["seconds"]
        out.append(f"- 2 threads >= 1.8x faster than 1: {s:.2f}x at {both[0]:.0f} MB: {verdict(s >= 1.8)}"
                   + ("" if both[0] == big else f" (the 1-thread run at {big:.0f} MB was not measured)"))
    else:
        out.append("- 2 threads >= 1.8x faster than 1: not measured (needs BENCH_THREADS=1,2)")

    sizes = sorted({r["mb"] for r in build})
    rss_big = max((r["rss"] or 0) for r in build if r["mb"] == big)
    rss_small = max((r["rss"] or 0) for r in build if r["mb"] == sizes[0])
    growth = rss_big / rss_small if rss_small else None
    ok = rss_big < 2**30 and (len(sizes) < 2 or (growth is not None and growth <= 1.5))
    out.append(f"- peak RSS under 1 GiB at 1 GB and not growing with size: {rss_big / MIB:.0f} MiB at {big:.0f} MB"
               + (f", {rss_small / MIB:.0f} MiB at {sizes[0]:.0f} MB ({growth:.2f}x for {big / sizes[0]:.0f}x the input; "
                  f"'not growing' is read as <= 1.5x)" if len(sizes) > 1 else "")
               + ": " + (verdict(ok) if gb else f"not measured at 1 GB ({verdict(ok)} at this size)"))
    return out


def scale_report(res: dict) -> list[str]:
    """The Ray build against the plain build, and the reduce alone per million documents (issue 10)."""
    ray, red = res.get("ray") or [], res.get("reduce_alone") or []
    mib = lambda b: fmt(b / MIB if b else None, ".0f")
    out = []
    if ray:
        out += ["Ray build: `scale/ray_build.py --local-cpus W --shards N` (a local cluster it starts and shuts down; "
                "Python, Ray and cluster start-up included) against `casualty-corpus build --threads W` on the same corpus. "
                "Shards are contiguous ranges of the sorted input files (a file is split only past 256 MiB), so with "
                "fewer ~16 MB JSONL parts than shards some tasks are empty (`longest map task s`). "
                "Memory of the driver and every process under it (Ray's own, the workers, each map and the reduce), "
                "sampled every 0.2 s from /proc: the peak of the summed PSS (shared pages split between the processes) and "
                "of the summed RSS; `largest process` is `/usr/bin/time -v`'s figure (the single largest process it waited for).", ""]
        out += md_table(
            "| input | input MB | docs | workers | shards | threads per task | Ray s | build s | Ray / build | cluster start s "
            "| map s | longest map task s | reduce s | peak PSS MiB (sum) | peak RSS MiB (sum) | largest process MiB | reduce MiB | release | other CPU |",
            [[
                r["label"], fmt(r["mb"]), str(r["docs"]), str(r["workers"]), str(r["shards"]), str(r.get("threads_per_task") or "-"),
                fmt(r["seconds"], ".2f"), fmt(r.get("build_seconds"), ".2f"), fmt(r.get("ratio"), ".2f"),
                fmt(r.get("connect_seconds"), ".2f"), fmt(r.get("map_seconds"), ".2f"),
                fmt(max((x for x in r.get("shard_seconds") or [] if x is not None), default=None), ".2f"),
                fmt(r.get("reduce_seconds"), ".2f"), mib(r.get("tree_pss")), mib(r.get("tree_rss")), mib(r.get("rss")), mib(r.get("watched_rss")),
                r["same"].split(" (")[0], fmt(r.get("other"), ".2f")] for r in ray])
        out.append("")
    if red:
        out += ["Reduce alone: `casualty-corpus map --shard K/N` for every shard, then `casualty-corpus reduce` under "
                "`/usr/bin/time -v`; documents = the inputs the reduce's summary counts (`inputs: N read`). The per-million "
                "figures divide the whole peak by the documents: at these sizes the peak is mostly the report page "
                "(capped), so they overstate the cost per document (see the notes).", ""]
        out += md_table(
            "| input | input MB | docs | shards | threads | map s (all shards) | reduce s | reduce s per M docs | peak RSS MiB "
            "| MiB per M docs | release | other CPU |",
            [[
                r["label"], fmt(r["mb"]), str(r["docs"]), str(r["shards"]), str(r["threads"]), fmt(r["map_seconds"], ".1f"),
                fmt(r["seconds"], ".2f"), fmt(r.get("s_per_mdoc"), ".0f"), mib(r.get("rss")), fmt(r.get("mib_per_mdoc"), ".0f"),
                r["same"].split(" (")[0], fmt(r.get("other"), ".2f")] for r in red])
        if len(red) > 1:
            a, b = min(red, key=lambda r: r["docs"]), max(red, key=lambda r: r["docs"])
            if b["docs"] > a["docs"] and a.get("rss") and b.get("rss"):
                d = (b["docs"] - a["docs"]) / 1e6
                out += ["", f"Between {a['label']} and {b['label']}: +{(b['rss'] - a['rss']) / MIB / d:.0f} MiB and "
                            f"+{(b['seconds'] - a['seconds']) / d:.0f} s per extra million documents."]
        out.append("")
    return out


def scale_targets(res: dict) -> list[str]:
    out = []
    for r in res.get("ray") or []:
        out.append(f"- Ray build, {r['workers']} local workers, {r['shards']} shards, against `build --threads {r['workers']}` "
                   f"on {r['mb']:.0f} MB: {r['seconds']:.1f} s / {fmt(r.get('build_seconds'), '.1f')} s = "
                   f"**{fmt(r.get('ratio'), '.2f')}x** the plain build's time; release {r['same']}")
    for r in res.get("reduce_alone") or []:
        out.append(f"- reduce alone on {r['mb']:.0f} MB ({r['docs']} documents, {r['shards']} shards, --threads {r['threads']}): "
                   f"{r['seconds']:.1f} s = **{fmt(r.get('s_per_mdoc'), '.0f')} s per million documents**, peak RSS "
                   f"{(r['rss'] or 0) / MIB:.0f} MiB = **{fmt(r.get('mib_per_mdoc'), '.0f')} MiB per million documents** "
                   f"(whole peak over documents); release {r['same']}")
    return out


def write_results(res: dict, table: str, tgt: str, path: str) -> None:
    m = res["machine"]
    prof = res.get("profile") or {}
    busy = m["load_max"] > 0.2
    gen = [BEGIN, "",
           f"Measured {m['date']} on `{m['host_kind']}`: {m['nproc']} cores (`nproc`), {m['mem_gib']:.0f} GiB, {m['cpu']}.",
           f"Commit measured: `{m['commit']}`{m['dirty']}. Binary sha256 `{m['binary_sha256'][:16]}`, rustc {m['rustc']}.",
           f"Corpus: `bench/synth.py --seed {res['seed']}` (1 MB = 10^6 bytes of article text; the JSONL files, which are "
           f"what the builds and the peer read, are ~9% larger and the MB column counts their bytes).",
           ("**The figures were taken while other work ran on this machine**: other processes kept "
            f"{m['load_min']:.2f} to {m['load_max']:.2f} of the {m['nproc']} cores busy during the runs (column `other CPU`: the "
            "machine's busy CPU time from /proc/stat minus the run's own, per second of the run). They are provisional: "
            "re-take them with `make bench` on an idle machine." if busy else
            f"The machine was otherwise idle (other processes used at most {m['load_max']:.2f} cores during any run, "
            "column `other CPU`)."),
           "", table, "",
           *[f"- {x}" for x in res.get("skipped", [])], *([""] if res.get("skipped") else []),
           *[f"Corpus {c['label']}: {c['articles']} inputs, planted {c['exact_bytes']} exact copies (same bytes), "
             f"{c['exact_crlf']} CRLF copies, {c['near']} near copies (sentence added or headline changed); the build found "
             f"{c['found']}." for c in res.get("corpora", [])],
           "",
           "Columns: `seconds` is wall time of the whole command; `map s` / `reduce s` come from the binary's own summary "
           "(`time: Xs (map Ys, reduce Zs)`); `x sha256sum` and `x hashlib` are this run's seconds over the floor's "
           "seconds on the same files; `peer / ours` is datatrove's seconds over ours at the same size and thread count "
           f"(datatrove runs {res['peer_workers']} worker processes; it is run on the peer sizes only: "
           f"{', '.join(size_label(s) for s in res['peer_sizes']) or 'none'}, as it takes minutes per 100 MB). "
           f"Peak RSS from {'`/usr/bin/time -v`' if USE_TIME_V else 'getrusage(RUSAGE_CHILDREN) of a fresh wrapper per run'}; "
           "for the Ray row it is the peak of the summed PSS of the driver and every process under it, and its `map s` is "
           "the driver's time to the end of the last map task (cluster start included), `reduce s` the reduce's; the "
           "`reduce alone` row's `seconds`, MB/s, docs/s and peak RSS are the reduce's alone and its `map s` the sum of "
           "its shards' maps (see the tables below).",
           "", "### Targets (issue 7)", "", tgt, ""]
    scale = scale_report(res)
    if scale:
        gen += ["### Ray build and reduce alone (issue 10)", "", *scale, *scale_targets(res), ""]
    if prof:
        gen += ["### Profile", "", f"{prof['tool']}."]
        if prof.get("stages"):
            gen += ["", "Share of CPU time by stage (inclusive time of the stage's function, from the call graphs):", "",
                    "| stage | share of CPU |", "|---|---|", *[f"| {l.replace('  ', '&nbsp;&nbsp;')} | {v:.1f}% |" for l, v in prof["stages"]], ""]
        gen += ["", "Top functions by self time:", "", "```", *prof["top"], "```", ""]
    gen.append(END)
    block = "\n".join(gen)
    if os.path.exists(path):
        text = open(path, encoding="utf-8").read()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    else:
        text = "# Benchmark results\n\nWritten by `make bench` (bench/run.py); the notes below the table are by hand.\n\n" + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def machine(binary: str) -> dict:
    def q(cmd):
        try:
            return sh(cmd)
        except (subprocess.CalledProcessError, OSError):
            return "?"
    try:  # not through sh(): stripping would eat the first line's status column
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "Cargo.toml", "Cargo.lock", "build.rs",
                                "data/lexicons"], capture_output=True, text=True, cwd=ROOT).stdout.rstrip("\n")
    except OSError:
        dirty = ""
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1)) * 1024
    except (OSError, AttributeError):
        pass
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "nproc": q(["nproc"]), "cpu": cpu, "mem_gib": mem / 2**30, "host_kind": q(["uname", "-sm"]),
            "commit": q(["git", "rev-parse", "--short=12", "HEAD"]),
            "dirty": (" plus uncommitted changes to " + ", ".join(sorted({"/".join(l[3:].split("/")[:3 if l[3:].startswith("pipeline/src/") else 2]) for l in dirty.splitlines()})))
            if dirty and dirty != "?" else "",
            "binary_sha256": hashlib.sha256(open(binary, "rb").read()).hexdigest(), "rustc": q(["rustc", "--version"]).split(" ")[1] if q(["rustc", "--version"]) != "?" else "?"}


def main() -> int:
    seed = int(os.environ.get("BENCH_SEED", "42"))
    sizes = sorted(env_sizes("BENCH_SIZES", [100 * MB, 10**9]))
    threads = [int(x) for x in os.environ.get("BENCH_THREADS", "1,2").split(",") if x.strip()]
    peer_sizes = env_sizes("BENCH_PEER_SIZES", sizes[:1])
    txt_sizes = env_sizes("BENCH_TXT_SIZES", sizes[:1])
    peer_workers = int(os.environ.get("BENCH_PEER_WORKERS", "2"))
    ray_sizes = env_sizes("BENCH_RAY_SIZES", sizes[:1])
    ray_workers = int(os.environ.get("BENCH_RAY_WORKERS", "2"))
    ray_shards = int(os.environ.get("BENCH_RAY_SHARDS", "8"))
    reduce_sizes = env_sizes("BENCH_REDUCE_SIZES", sizes)
    reduce_shards = int(os.environ.get("BENCH_REDUCE_SHARDS", str(ray_shards)))
    reduce_threads = int(os.environ.get("BENCH_REDUCE_THREADS", str(max(threads))))
    results_path = os.path.join(ROOT, os.environ.get("BENCH_RESULTS", "bench/results.md"))
    os.makedirs(BENCH, exist_ok=True)
    started = time.perf_counter()

    binary = build_binary()
    mach = machine(binary)  # the commit and tree the binary was built from, before anyone commits more
    py = setup_venv() if peer_sizes else None
    ray_py, ray_version = ray_python() if ray_sizes else (None, "")
    budget = float(os.environ.get("BENCH_BUDGET_MIN", "32")) * 60
    deadline = time.perf_counter() + budget
    skipped: list[str] = []

    def fits(what: str, predicted: float | None) -> bool:
        """False (and noted) when a run predicted from the rates seen so far would end past the budget."""
        if predicted is None or time.perf_counter() + predicted <= deadline:
            return True
        skipped.append(f"{what}: skipped, predicted {predicted / 60:.1f} min would pass BENCH_BUDGET_MIN={budget / 60:g} "
                       f"(set a larger BENCH_BUDGET_MIN to run it)")
        log(skipped[-1])
        return False

    rates: dict[int, float] = {}  # our MB/s by thread count, from the runs so far
    prof = profile(binary, seed)
    loads = []
    rows = []
    corpora = []
    ray_runs: list[dict] = []
    reduce_runs: list[dict] = []
    if ray_sizes and not ray_py:
        skipped.append(f"Ray build: skipped, {ray_version}")
        log(skipped[-1])
    for size in sizes:
        fmt_ = "both" if size in txt_sizes else "jsonl"
        d = corpus(size, seed, fmt_)
        info = json.load(open(os.path.join(d, "synth.json")))
        jsonl = os.path.join(d, "jsonl")
        files = files_of(jsonl)
        mb = sum(os.path.getsize(f) for f in files) / MB
        docs = info["counts"]["articles"]
        label = size_label(size)

        log(f"{label}: floor (cat | sha256sum, hashlib)")
        cat, hl = floor(files, os.path.join(BENCH, "files.list"))
        for name, r in (("floor: cat \\| sha256sum", cat), ("floor: Python hashlib", hl)):
            rows.append({"run": name, "input": "jsonl", "mb": mb, "threads": 1, "seconds": r["seconds"], "docs": docs,
                         "rss": r["rss"], "load": r["load"], "other": r.get("other"), "size": size})

        ours_by_threads = {}
        digests = {}  # the plain build's release, by thread count, where the Ray or reduce run compares
        compare_threads = {ray_workers} if size in ray_sizes and ray_py else set()
        compare_threads |= {reduce_threads} if size in reduce_sizes else set()
        for t in sorted(threads, reverse=True):  # the most threads first: the 1 GB figure the targets need
            rate = rates.get(t) or (max(rates.values()) * t / max(rates, key=rates.get) if rates else None)
            if not fits(f"{label} build --threads {t}", mb / rate * 1.1 if rate else None):
                continue
            log(f"{label}: casualty-corpus build --threads {t}")
            r = ours(binary, jsonl, t, os.path.join(BENCH, "out"), digest=t in compare_threads)
            loads.append(r.get("other") or 0.0)
            ours_by_threads[t] = r["seconds"]
            if r.get("release_digest") is not None:
                digests[t] = r["release_digest"]
            rates[t] = mb / r["seconds"]
            rows.append({"run": "casualty-corpus", "input": "jsonl", "mb": mb, "threads": t, "seconds": r["seconds"],
                         "docs": r.get("docs") or docs, "rss": r["rss"], "map": r["map"], "reduce": r["reduce"],
                         "x_sha256sum": r["seconds"] / cat["seconds"], "x_hashlib": r["seconds"] / hl["seconds"],
                         "load": r["load"], "other": r.get("other"), "size": size, "cpu": r.get("cpu"),
                         "counts": {k: r.get(k) for k in ("kept", "dups", "exact_raw", "exact_text", "near", "rejects")}})
            log(f"  {r['seconds']:.1f}s, {mb / r['seconds']:.1f} MB/s, peak RSS {(r['rss'] or 0) / MIB:.0f} MiB, "
                f"kept {r.get('kept')} of {r.get('docs')}, duplicates {r.get('dups')}")

        c = info["counts"]
        last = next((r for r in reversed(rows) if r["run"] == "casualty-corpus"), {})
        k = last.get("counts") or {}
        corpora.append({"label": label, "articles": c["articles"], "exact_bytes": c["exact_bytes"], "exact_crlf": c["exact_crlf"],
                        "near": c["near_sentence_added"] + c["near_headline_changed"],
                        "found": f"{k.get('exact_raw')} exact raw, {k.get('exact_text')} exact text, {k.get('near')} near, "
                                 f"{k.get('rejects')} rejects"})

        if size in txt_sizes:
            txt = os.path.join(d, "txt")
            tfiles = files_of(txt)
            tmb = sum(os.path.getsize(f) for f in tfiles) / MB
            tcat, thl = floor(tfiles, os.path.join(BENCH, "files.list"))
            for t in [max(threads)]:
                if not fits(f"{label} build --threads {t} (txt dir)", tmb / rates[t] * 1.3 if t in rates else None):
                    continue
                log(f"{label}: casualty-corpus build --threads {t} on the .txt directory")
                r = ours(binary, txt, t, os.path.join(BENCH, "out"))
                loads.append(r.get("other") or 0.0)
                rows.append({"run": "casualty-corpus", "input": "txt dir", "mb": tmb, "threads": t, "seconds": r["seconds"],
                             "docs": r.get("docs") or docs, "rss": r["rss"], "map": r["map"], "reduce": r["reduce"],
                             "x_sha256sum": r["seconds"] / tcat["seconds"], "x_hashlib": r["seconds"] / thl["seconds"],
                             "load": r["load"], "other": r.get("other"), "size": size})

        peer_rate = float(os.environ.get("BENCH_PEER_MBS", "0.5"))  # MB/s assumed for the budget (measured 0.35-0.74)
        if size in peer_sizes and fits(f"{label} datatrove", mb / peer_rate):
            log(f"{label}: datatrove ({peer_workers} workers; minutes per 100 MB)")
            r = peer(py, jsonl, peer_workers, os.path.join(BENCH, "peer-work"))
            loads.append(r.get("other") or 0.0)
            ref = ours_by_threads.get(peer_workers) or (ours_by_threads[max(ours_by_threads)] if ours_by_threads else None)
            rows.append({"run": f"datatrove 0.10.1 (peer)", "input": "jsonl", "mb": mb, "threads": peer_workers,
                         "seconds": r["seconds"], "docs": r["peer"].get("documents_read") or docs, "rss": r["rss"],
                         "x_sha256sum": r["seconds"] / cat["seconds"], "x_hashlib": r["seconds"] / hl["seconds"],
                         "peer_ratio": r["seconds"] / ref if ref else None, "load": r["load"], "other": r.get("other"), "size": size,
                         "peer": r["peer"]})
            log(f"  {r['seconds']:.1f}s, {mb / r['seconds']:.2f} MB/s, kept {r['peer'].get('documents_kept')}")

        if size in ray_sizes and ray_py:
            ref = ours_by_threads.get(ray_workers)
            if fits(f"{label} Ray build ({ray_workers} workers)", ref * 1.5 + 30 if ref else None):
                log(f"{label}: scale/ray_build.py, local cluster of {ray_workers} CPUs, {ray_shards} shards")
                r = ray_build(ray_py, binary, jsonl, ray_workers, ray_shards, os.path.join(BENCH, "ray-work"),
                              os.path.join(BENCH, "out-ray"))
                loads.append(r.get("other") or 0.0)
                same = same_release(r["release_digest"], digests.get(ray_workers)) if ray_workers in digests \
                    else f"not compared (no build --threads {ray_workers} at this size)"
                rec = r["record"]
                rows.append({"run": f"Ray: scale/ray_build.py ({ray_workers} workers, {ray_shards} shards)", "input": "jsonl",
                             "mb": mb, "threads": ray_workers, "seconds": r["seconds"], "docs": r.get("docs") or docs,
                             "rss": r.get("tree_pss"), "map": rec.get("map_seconds"), "reduce": rec.get("reduce_seconds"),
                             "x_sha256sum": r["seconds"] / cat["seconds"], "x_hashlib": r["seconds"] / hl["seconds"],
                             "load": r["load"], "other": r.get("other"), "size": size})
                ray_runs.append({"label": label, "mb": mb, "docs": r.get("docs") or docs, "workers": ray_workers,
                                 "shards": ray_shards, "seconds": r["seconds"], "build_seconds": ref,
                                 "ratio": r["seconds"] / ref if ref else None, "same": same, "ray_version": ray_version,
                                 **{k: r.get(k) for k in ("tree_rss", "tree_pss", "watched_rss", "rss", "tree_processes",
                                                          "samples", "other", "cpu")}, **rec})
                log(f"  {r['seconds']:.1f}s ({ray_runs[-1]['ratio'] or float('nan'):.2f}x build --threads {ray_workers}), "
                    f"peak PSS of the tree {(r.get('tree_pss') or 0) / MIB:.0f} MiB, reduce {(r.get('watched_rss') or 0) / MIB:.0f} MiB; {same}")

        if size in reduce_sizes:
            rate = rates.get(reduce_threads) or (max(rates.values()) if rates else None)
            if fits(f"{label} map ({reduce_shards} shards) then reduce alone", mb / rate * 1.2 + 30 if rate else None):
                log(f"{label}: casualty-corpus map ({reduce_shards} shards, --threads {reduce_threads}), then reduce alone")
                r = map_then_reduce(binary, jsonl, reduce_shards, reduce_threads, os.path.join(BENCH, "reduce-work"),
                                    os.path.join(BENCH, "out-reduce"))
                loads.append(r.get("other") or 0.0)
                same = same_release(r["release_digest"], digests.get(reduce_threads)) if reduce_threads in digests \
                    else f"not compared (no build --threads {reduce_threads} at this size)"
                n = r.get("docs") or docs
                rows.append({"run": f"casualty-corpus reduce alone ({reduce_shards} shards)", "input": "jsonl", "mb": mb,
                             "threads": reduce_threads, "seconds": r["seconds"], "docs": n, "rss": r["rss"],
                             "map": r["map_seconds"], "reduce": r["seconds"], "load": r["load"], "other": r.get("other"),
                             "size": size})
                reduce_runs.append({"label": label, "mb": mb, "docs": n, "shards": reduce_shards, "threads": reduce_threads,
                                    "seconds": r["seconds"], "rss": r["rss"], "map_seconds": r["map_seconds"],
                                    "map_rss": r["map_rss"], "work_bytes": r["work_bytes"], "other": r.get("other"),
                                    "s_per_mdoc": r["seconds"] / n * 1e6 if n else None,
                                    "mib_per_mdoc": r["rss"] / MIB / n * 1e6 if n and r["rss"] else None, "same": same})
                log(f"  reduce {r['seconds']:.1f}s, peak RSS {(r['rss'] or 0) / MIB:.0f} MiB for {n} documents "
                    f"(maps {r['map_seconds']:.1f}s); {same}")

    res = {"seed": seed, "rows": rows, "ray": ray_runs, "reduce_alone": reduce_runs, "skipped": skipped, "corpora": corpora, "profile": prof, "peer_workers": peer_workers, "peer_sizes": peer_sizes,
           "machine": {**mach, "load_min": min(loads), "load_max": max(loads)},
           "seconds_total": time.perf_counter() - started}
    table, tgt = build_report(res)
    with open(os.path.join(BENCH, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    write_results(res, table, tgt, results_path)
    print(table)
    print()
    print(tgt)
    for line in scale_report(res) + scale_targets(res):
        print(line)
    log(f"done in {res['seconds_total'] / 60:.1f} min; wrote {os.path.relpath(results_path, ROOT)} and target/bench/results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
