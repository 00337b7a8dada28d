#!/usr/bin/env python3
"""Build a casualty-corpus release on a Ray cluster: N map tasks, then one reduce.

    scale/ray_build.py --input PATH... [--metadata FILE] --shards N --work DIR \
                       --out OUT --release-version V [--binary PATH]

Each map task runs `casualty-corpus map --shard K/N --work DIR` on some node; the reduce runs
`casualty-corpus reduce` here, on the driver. The release is byte-identical to
`casualty-corpus build` on the same inputs. Inputs, DIR, OUT's parent and the binary must sit on
storage every node sees (a shared filesystem path); the paths are made absolute here and used as
such on every node.

With RAY_ADDRESS set (or --address) the driver joins that cluster; otherwise it starts a local
one, bound to the loopback address, and shuts it down at the end (ray.shutdown(), never
`ray stop`). A failed map task is retried (--retries, default 2; a crashed worker or a lost node
counts as a failure too). Shards whose marker DIR/shards/K-of-N/COMPLETE exists are skipped, so a
killed run resumes where it stopped; DIR/ray_build.json records what the shards were mapped from
(inputs, options, binary digest) and a rerun with anything else is refused (--fresh starts over).
The run's own record (per shard: start, end, seconds, attempts, host, skipped or ran; the
reduce's time) is written to DIR/runs/<timestamp>.json, never into the release.

Fault injection for tests: CASUALTY_CORPUS_FAIL_ONCE=<marker-dir>:<K>[,<K>...] makes the first
attempt of each listed shard fail, after leaving a partial shard directory behind (a marker file
<marker-dir>/fail-once-K-of-N records that the failure happened, so the retry succeeds). A plain
K raises an exception in the task; K=exit kills the worker process instead. The driver reads the
variable and hands it to the task, so it works on a cluster whose workers have another
environment.

Exit status: 0 when the release was written (or already existed with identical content), 1 when a
shard failed after its retries, the reduce failed or the work directory does not fit, 2 on a
usage error, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMPLETE = "COMPLETE"
FAIL_ONCE_ENV = "CASUALTY_CORPUS_FAIL_ONCE"
FINGERPRINT = "ray_build.json"


class DriverError(Exception):
    """A failure the driver reports as one `error: ...` line and exit status 1."""


# ---------------------------------------------------------------------------------------------
# The map task. It runs on a worker of any node; everything it needs comes in its arguments.
# ---------------------------------------------------------------------------------------------


def _death_signal_setter():
    """On Linux, a function for the child (between fork and exec) that has it killed when the
    worker that started it dies, so a cancelled or crashed task never leaves a map writing into
    a shard directory behind it. Everything is looked up here, in the parent."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except Exception:
        return None
    sig = int(signal.SIGKILL)

    def set_death_signal() -> None:
        prctl(1, sig)  # PR_SET_PDEATHSIG

    return set_death_signal


def _inject_failure(fail_once: str | None, work: str, k: int, n: int) -> None:
    """Fails the first attempt of a shard listed in CASUALTY_CORPUS_FAIL_ONCE (tests only).
    Leaves a partial shard directory behind, as a map killed half-way would."""
    if not fail_once:
        return
    marker_dir, _, items = fail_once.rpartition(":")
    hows = {}
    for item in items.split(","):
        shard, _, how = item.strip().partition("=")
        hows[shard] = how or "raise"
    if not marker_dir or str(k) not in hows:
        return
    how = hows[str(k)]
    os.makedirs(marker_dir, exist_ok=True)
    marker = os.path.join(marker_dir, f"fail-once-{k}-of-{n}")
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return  # this shard failed once already: let the retry through
    os.write(fd, f"{socket.gethostname()} {os.getpid()} {time.time()}\n".encode())
    os.close(fd)
    partial = os.path.join(work, "shards", f"{k}-of-{n}")
    os.makedirs(partial, exist_ok=True)
    with open(os.path.join(partial, "records.jsonl"), "w") as f:
        f.write('{"partial": true\n')
    if how == "exit":
        os._exit(17)
    raise RuntimeError(f"injected failure of shard {k}/{n} ({FAIL_ONCE_ENV})")


def map_shard(binary: str, stage_args: list[str], k: int, n: int, work: str, threads: int, fail_once: str | None) -> dict:
    """Maps shard K of N by running the binary; returns the attempt's record. Raises on failure."""
    import ray

    started = time.time()
    host = socket.gethostname()
    try:
        node_id = ray.get_runtime_context().get_node_id()
    except Exception:
        node_id = None
    _inject_failure(fail_once, work, k, n)
    cmd = [binary, "map", *stage_args, "--shard", f"{k}/{n}", "--work", work, "--threads", str(threads)]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_death_signal_setter(),
        )
    except OSError as e:
        raise RuntimeError(f"cannot run {binary} on host {host}: {e} (the binary must sit on storage every node sees)") from None
    try:
        out, err = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    lines = [line for line in (out + err).splitlines() if line.strip()]
    if proc.returncode != 0:
        tail = "; ".join(lines[-5:]) or "no output"
        raise RuntimeError(f"map of shard {k}/{n} on host {host} exited with status {proc.returncode}: {tail}")
    shard_dir = os.path.join(work, "shards", f"{k}-of-{n}")
    if not os.path.isfile(os.path.join(shard_dir, COMPLETE)):
        raise RuntimeError(f"map of shard {k}/{n} on host {host} exited 0 but left no {COMPLETE} marker in {shard_dir}")
    try:
        with open(os.path.join(shard_dir, "stats.json")) as f:
            stats = json.load(f)
    except (OSError, ValueError):
        stats = None
    ended = time.time()
    return {
        "start": started,
        "end": ended,
        "host": host,
        "node_id": node_id,
        "pid": os.getpid(),
        "summary": lines[-1] if lines else None,
        "stats": stats,
    }


# ---------------------------------------------------------------------------------------------
# The driver.
# ---------------------------------------------------------------------------------------------


def iso(t: float | None) -> str | None:
    if t is None:
        return None
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_binary() -> Path:
    release = REPO / "target" / "release" / "casualty-corpus"
    return release if release.is_file() else REPO / "target" / "debug" / "casualty-corpus"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="scale/ray_build.py",
        description="Build a casualty-corpus release with N map tasks on a Ray cluster (RAY_ADDRESS, or a local one) and one reduce.",
        epilog="Example: scale/ray_build.py --input data/raw --shards 4 --work work/ray --out data/releases --release-version 0.1.0",
    )
    p.add_argument("--input", nargs="+", action="extend", required=True, metavar="PATH", help="input directories and files, as for `casualty-corpus build`")
    p.add_argument("--metadata", metavar="FILE", help="metadata sidecar (default: metadata.csv inside each input directory)")
    p.add_argument("--lexicons", metavar="DIR", help="directory of lexicon files replacing the built-in ones")
    p.add_argument("--max-article-bytes", type=int, metavar="N", help="passed to map")
    p.add_argument("--near-dup-threshold", type=float, metavar="F", help="passed to map")
    p.add_argument("--shards", type=int, required=True, metavar="N", help="number of map tasks (shards of the sorted inputs)")
    p.add_argument("--work", required=True, metavar="DIR", help="work directory for the shards and run files (shared by all nodes)")
    p.add_argument("--out", required=True, metavar="OUT", help="directory of releases; the release is written to OUT/V")
    p.add_argument("--release-version", required=True, metavar="V")
    p.add_argument("--binary", metavar="PATH", help="casualty-corpus binary (default: target/release/casualty-corpus if built, else target/debug/)")
    p.add_argument("--threads-per-task", type=int, metavar="T", help="threads (and Ray CPUs) per map task (default: the cluster's CPUs / N, at least 1, at most one node's CPUs)")
    p.add_argument("--retries", type=int, default=2, metavar="R", help="retries of a failed map task (default 2)")
    p.add_argument("--address", metavar="ADDR", help="Ray cluster to join (default: $RAY_ADDRESS; unset: start a local cluster)")
    p.add_argument("--local-cpus", type=int, metavar="C", help="CPUs of the local cluster (default: all)")
    p.add_argument("--fresh", action="store_true", help="discard the shards of earlier runs in --work instead of resuming")
    p.add_argument("--no-progress", action="store_true", help="plain lines instead of a progress bar on a terminal")
    args = p.parse_args(argv)
    if args.shards < 1:
        p.error("--shards must be at least 1")
    if args.retries < 0:
        p.error("--retries must be 0 or more")
    if args.threads_per_task is not None and args.threads_per_task < 1:
        p.error("--threads-per-task must be at least 1")
    return args


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Progress:
    """A tqdm bar over shards on a terminal; plain lines otherwise."""

    def __init__(self, total: int, initial: int, enabled: bool):
        self.bar = None
        if enabled and sys.stderr.isatty():
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, initial=initial, unit="shard", desc="map", file=sys.stderr)
            except ImportError:
                pass

    def say(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class RunFile:
    """DIR/runs/<timestamp>.json, rewritten atomically as the run goes, so a killed run leaves
    its record up to the last finished shard."""

    def __init__(self, work: Path, record: dict):
        runs = work / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        self.path = runs / f"{stamp}-{os.getpid()}.json"
        self.record = record
        self.save()

    def save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.record, indent=2, sort_keys=False) + "\n")
        os.replace(tmp, self.path)


def check_work_dir(work: Path, n: int, fingerprint: dict, fresh: bool) -> None:
    """Refuses to resume from shards mapped from other inputs, options, binary or N."""
    shards = work / "shards"
    fp_path = work / FINGERPRINT
    if fresh:
        import shutil

        if shards.exists():
            shutil.rmtree(shards)
        fp_path.unlink(missing_ok=True)
    existing = sorted(p.name for p in shards.iterdir()) if shards.is_dir() else []
    other_n = [name for name in existing if "-of-" in name and not name.endswith(f"-of-{n}")]
    if other_n:
        raise DriverError(f"{shards} holds shards of another N ({', '.join(other_n[:3])}); pass --fresh or use another --work")
    if fp_path.is_file():
        try:
            previous = json.loads(fp_path.read_text())
        except ValueError:
            previous = None
        if previous != fingerprint:
            changed = sorted(k for k in set(fingerprint) | set(previous or {}) if (previous or {}).get(k) != fingerprint.get(k))
            raise DriverError(f"{work} holds shards mapped with other settings ({', '.join(changed)} differ); pass --fresh to start over or use another --work")
    elif existing:
        raise DriverError(f"{shards} holds shards this driver did not record; pass --fresh to start over or use another --work")
    work.mkdir(parents=True, exist_ok=True)
    tmp = fp_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(fingerprint, indent=2) + "\n")
    os.replace(tmp, fp_path)


def connect(args: argparse.Namespace) -> tuple[dict, bool]:
    """Joins the given cluster, or starts a local one. Returns a description and whether local."""
    import ray

    address = args.address or os.environ.get("RAY_ADDRESS") or None
    local = address is None
    try:
        _init(ray, args, address)
    except Exception as e:
        where = "start a local Ray cluster" if local else f"join the Ray cluster at {address}"
        raise DriverError(f"cannot {where}: {type(e).__name__}: {e}") from None
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    cpus = [int(n.get("Resources", {}).get("CPU", 0)) for n in nodes]
    return {"address": "local" if local else address, "ray_version": ray.__version__, "nodes": len(nodes), "cpus": sum(cpus), "max_node_cpus": max(cpus, default=0)}, local


def _init(ray, args: argparse.Namespace, address: str | None) -> None:
    if address is None:
        # A cluster for this run alone, reachable from this machine only, reporting nothing home.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        # Else Ray writes an auth token on first use that breaks later local clients.
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        ray.init(
            address="local",
            num_cpus=args.local_cpus,
            include_dashboard=False,
            object_store_memory=128 * 1024 * 1024,
            log_to_driver=False,
        )
    else:
        ray.init(address=address, log_to_driver=False)


def run(args: argparse.Namespace) -> int:
    binary = Path(args.binary).resolve() if args.binary else default_binary()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise DriverError(f"no executable casualty-corpus binary at {binary}; run `cargo build --release` or pass --binary")
    inputs = [str(Path(p).resolve()) for p in args.input]
    for p in inputs:
        if not os.path.exists(p):
            raise DriverError(f"input {p} does not exist")
    stage_args = ["--input", *inputs]
    if args.metadata:
        stage_args += ["--metadata", str(Path(args.metadata).resolve())]
    if args.lexicons:
        stage_args += ["--lexicons", str(Path(args.lexicons).resolve())]
    if args.max_article_bytes is not None:
        stage_args += ["--max-article-bytes", str(args.max_article_bytes)]
    if args.near_dup_threshold is not None:
        stage_args += ["--near-dup-threshold", repr(args.near_dup_threshold)]
    work = Path(args.work).resolve()
    out = Path(args.out).resolve()
    n = args.shards
    binary_sha = sha256_file(binary)
    fingerprint = {"shards": n, "map_arguments": stage_args, "binary_sha256": binary_sha}
    check_work_dir(work, n, fingerprint, args.fresh)

    fail_once = os.environ.get(FAIL_ONCE_ENV) or None

    t0 = time.time()
    record = {
        "driver": "scale/ray_build.py",
        "argv": sys.argv[1:],
        "status": "running",
        "started": iso(t0),
        "finished": None,
        "binary": str(binary),
        "binary_sha256": binary_sha,
        "work": str(work),
        "release": str(out / args.release_version),
        "shards": n,
        "retries": args.retries,
        "fault_injection": fail_once,
        "ray": None,
        "threads_per_task": None,
        "map_seconds": None,
        "shard_runs": [],
        "reduce": None,
        "total_seconds": None,
    }
    runfile = RunFile(work, record)
    shard_runs = {k: {"shard": f"{k}/{n}", "status": "pending", "attempts": 0, "start": None, "end": None, "seconds": None, "host": None, "node_id": None, "errors": []} for k in range(1, n + 1)}
    record["shard_runs"] = [shard_runs[k] for k in range(1, n + 1)]
    todo = []
    for k in range(1, n + 1):
        if (work / "shards" / f"{k}-of-{n}" / COMPLETE).is_file():
            shard_runs[k]["status"] = "skipped"
        else:
            todo.append(k)
    skipped = n - len(todo)
    print(f"ray_build: {n} shards, {skipped} already complete, {len(todo)} to map; work {work}", file=sys.stderr, flush=True)

    import ray

    progress = None
    try:
        failed: list[int] = []
        if todo:
            c0 = time.time()
            info, _local = connect(args)
            info["connect_seconds"] = round(time.time() - c0, 3)
            threads = args.threads_per_task or max(1, min(info["max_node_cpus"] or 1, (info["cpus"] or 1) // len(todo)))
            if info["max_node_cpus"] and threads > info["max_node_cpus"]:
                raise DriverError(f"--threads-per-task {threads} exceeds the CPUs of every node ({info['max_node_cpus']}); no task could be scheduled")
            record["ray"] = info
            record["threads_per_task"] = threads
            print(f"ray_build: Ray {info['ray_version']} at {info['address']}: {info['nodes']} nodes, {info['cpus']} CPUs; {threads} threads per task", file=sys.stderr, flush=True)
            runfile.save()
            if __name__ != "__main__":
                # Imported as a module: ship this module's code to the workers by value.
                ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
            task = ray.remote(map_shard).options(num_cpus=threads, max_retries=0, retry_exceptions=False)
            progress = Progress(n, skipped, not args.no_progress)
            pending: dict = {}

            def submit(k: int) -> None:
                shard_runs[k]["attempts"] += 1
                shard_runs[k]["status"] = "running"
                pending[task.remote(str(binary), stage_args, k, n, str(work), threads, fail_once)] = (k, time.time())

            for k in todo:
                submit(k)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                ref = ready[0]
                k, submitted = pending.pop(ref)
                sr = shard_runs[k]
                try:
                    res = ray.get(ref)
                except ray.exceptions.RayError as e:
                    cause = getattr(e, "cause", None)
                    msg = str(cause) if isinstance(e, ray.exceptions.RayTaskError) and cause is not None else f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
                    sr["errors"].append({"attempt": sr["attempts"], "submitted": iso(submitted), "failed": iso(time.time()), "error": msg})
                    if sr["attempts"] <= args.retries:
                        progress.say(f"shard {k}/{n}: attempt {sr['attempts']} failed ({msg}); retrying")
                        submit(k)
                    else:
                        sr["status"] = "failed"
                        failed.append(k)
                        progress.say(f"shard {k}/{n}: failed after {sr['attempts']} attempts: {msg}")
                else:
                    sr.update(status="ran", start=iso(res["start"]), end=iso(res["end"]), seconds=round(res["end"] - res["start"], 3), host=res["host"], node_id=res["node_id"], summary=res["summary"], stats=res["stats"])
                    progress.advance()
                    progress.say(f"shard {k}/{n}: done in {sr['seconds']:.2f}s on {res['host']} (attempt {sr['attempts']})")
                runfile.save()
            progress.close()
            progress = None
        record["map_seconds"] = round(time.time() - t0, 3)
        if failed:
            record["status"] = "failed"
            raise DriverError(f"shard(s) {', '.join(f'{k}/{n}' for k in sorted(failed))} failed after {args.retries + 1} attempts; see {runfile.path}; rerun to retry only the missing shards")
        runfile.save()

        r0 = time.time()
        print(f"ray_build: reduce into {out / args.release_version}", file=sys.stderr, flush=True)
        cmd = [str(binary), "reduce", "--work", str(work), "--out", str(out), "--release-version", args.release_version]
        rc = subprocess.call(cmd, stdin=subprocess.DEVNULL)
        r1 = time.time()
        record["reduce"] = {"start": iso(r0), "end": iso(r1), "seconds": round(r1 - r0, 3), "host": socket.gethostname(), "exit_status": rc}
        if rc != 0:
            record["status"] = "failed"
            raise DriverError(f"reduce failed (exit status {rc}); the shards are kept in {work / 'shards'}")
        record["status"] = "completed"
        return 0
    except KeyboardInterrupt:
        record["status"] = "interrupted"
        raise
    except DriverError:
        record["status"] = "failed"
        raise
    except BaseException as e:
        record["status"] = "failed"
        record["error"] = f"{type(e).__name__}: {e}"
        raise
    finally:
        if progress is not None:
            progress.close()
        t1 = time.time()
        record["finished"] = iso(t1)
        record["total_seconds"] = round(t1 - t0, 3)
        runfile.save()
        if ray.is_initialized():
            ray.shutdown()
        print(f"ray_build: {record['status']} in {record['total_seconds']:.2f}s; run record {runfile.path}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except DriverError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
