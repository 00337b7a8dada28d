"""Tests of scale/ray_build.py: a Ray build gives the very release `casualty-corpus build` gives.

Run by `make test` (pytest from .venv). Each test runs the driver as a user would, as a
subprocess: against a local cluster it starts itself, or against a two-node
`ray.cluster_utils.Cluster` this module starts and shuts down (never `ray stop`).
The binary is target/debug/casualty-corpus (or $CASUALTY_CORPUS_BIN), copied once so that both
builds of every comparison run the very same code even if cargo rebuilds it meanwhile.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Before Ray is imported anywhere: loopback only, no token file, nothing reported home.
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_AUTH_MODE"] = "disabled"
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ.pop("RAY_ADDRESS", None)
os.environ.pop("CASUALTY_CORPUS_FAIL_ONCE", None)

REPO = Path(__file__).resolve().parent.parent
DRIVER = REPO / "scale" / "ray_build.py"
BUILT_BINARY = Path(os.environ.get("CASUALTY_CORPUS_BIN", REPO / "target" / "debug" / "casualty-corpus")).resolve()
BINARY = BUILT_BINARY  # replaced by a private copy (fixture `binary_snapshot`)
VERSION = "9.9.9-test"
SHARDS = 4


# ------------------------------------------------------------------------------------------
# helpers


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, by relative path, with its bytes."""
    files = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            files[p.relative_to(root).as_posix()] = p.read_bytes()
    return files


def assert_same_tree(got: Path, want: Path) -> None:
    a, b = tree(got), tree(want)
    assert sorted(a) == sorted(b), f"file lists differ: only in ray build {sorted(set(a) - set(b))}, only in build {sorted(set(b) - set(a))}"
    differing = [name for name in a if a[name] != b[name]]
    assert not differing, f"files differ between the Ray build and build: {differing}"
    assert len(a) > 10


def plain_build(inputs: list[Path], out: Path) -> Path:
    cmd = [str(BINARY), "--quiet", "build", "--input", *map(str, inputs), "--out", str(out), "--release-version", VERSION]
    subprocess.run(cmd, check=True)
    return out / VERSION


def ray_build(inputs: list[Path], work: Path, out: Path, *, address: str | None, extra: list[str] = (), env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(DRIVER), "--input", *map(str, inputs), "--shards", str(SHARDS), "--work", str(work), "--out", str(out), "--release-version", VERSION, "--binary", str(BINARY), *extra]
    e = dict(os.environ)
    if address:
        e["RAY_ADDRESS"] = address
    e.update(env or {})
    proc = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"ray_build.py exited {proc.returncode}:\n{proc.stderr}")
    return proc


def last_run(work: Path) -> dict:
    runs = sorted(glob.glob(str(work / "runs" / "*.json")))
    assert runs, f"no run file in {work / 'runs'}"
    return json.loads(Path(runs[-1]).read_text())


def statuses(run: dict) -> dict[str, str]:
    return {s["shard"]: s["status"] for s in run["shard_runs"]}


def articles(root: Path) -> list[str]:
    """The article files `discover` finds, as sorted source paths (no sidecar, nothing hidden)."""
    paths = []
    for dirpath, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name != "metadata.csv" and not name.startswith("."):
                paths.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(paths, key=lambda s: s.encode())


def shard_of(path: str, paths: list[str], n: int = SHARDS) -> int:
    """The shard (1-based) holding a file: contiguous ranges of the sorted files, as shard.rs."""
    i = paths.index(path)
    return next(k for k in range(1, n + 1) if len(paths) * (k - 1) // n <= i < len(paths) * k // n)


# ------------------------------------------------------------------------------------------
# a generated corpus: varied casualty reports, with exact and near duplicates in other shards

PLACES = ["Kharkiv", "Bakhmut", "Mariupol", "Donetsk", "Avdiivka", "Kherson", "Zaporizhzhia", "Izium", "Sumy", "Odesa", "Mykolaiv", "Kupiansk", "Pokrovsk", "Vuhledar", "Chernihiv"]
SOURCES = ["the regional governor said", "the defence ministry said in a statement", "according to local officials", "a military spokesman told reporters", "the emergency service said", "the mayor wrote on Telegram", "a hospital official said"]
VICTIMS = ["civilians", "soldiers", "servicemen", "people", "residents", "children", "rescue workers", "police officers"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "overnight", "late on Saturday", "early on Sunday"]
NAMES = ["Oleksandr Petrenko", "Ivan Sokolov", "Dmitry Orlov", "Maria Kovalenko", "Andriy Melnyk", "Sergei Volkov", "Olena Shevchenko", "Pavel Lebedev"]
TEMPLATES = [
    "At least {n} {victims} were killed and {m} wounded in a missile strike on {place} {day}, {source}.",
    "{n} {victims} died after shelling hit a residential district of {place} {day}.",
    "The death toll from the attack on {place} rose to {n}, {source}.",
    "{n} {victims} were wounded when a drone struck a market in {place} {day}, {source}.",
    "Officials said {m} {victims} were missing after the strike on {place}.",
    "Around {n} {victims} have been taken prisoner near {place} since the offensive began, {source}.",
    "The ministry declined to comment on reports that {n} {victims} had been killed near {place}.",
    "A spokesman denied that any {victims} had died in the fighting around {place}.",
    "{name}, {age}, a teacher from {place}, was killed {day} when his house was hit.",
    "{name}, a {age}-year-old volunteer, was wounded in {place} and taken to hospital.",
    "Up to {n} {victims} may have been killed in the fighting for {place}, {source}.",
    "More than {m} {victims} were evacuated from {place} {day} as the shelling continued.",
    "Local authorities said {n} {victims} were killed and dozens more injured in {place}.",
    "The governor called on Moscow to disclose how many {victims} had died near {place}.",
    "Casualty figures for the battle of {place} remain a state secret, {source}.",
    "Rescue teams pulled {n} bodies from the rubble of an apartment block in {place} {day}.",
    "Two {victims} were killed and {m} were injured in an artillery attack on {place}, {source}.",
    "The Kremlin said it had no information about {victims} captured near {place}.",
]
FILLER = "grain river winter convoy bridge station factory school village market road harbour tower field forest power plant railway depot shelter clinic".split()


def article(rng: random.Random) -> str:
    sentences = []
    for t in rng.sample(TEMPLATES, rng.randint(7, 10)):
        sentences.append(t.format(n=rng.randint(2, 400), m=rng.randint(2, 90), victims=rng.choice(VICTIMS), place=rng.choice(PLACES), day=rng.choice(DAYS), source=rng.choice(SOURCES), name=rng.choice(NAMES), age=rng.randint(19, 71)))
    words = rng.sample(FILLER, 8)
    sentences.insert(rng.randrange(len(sentences)), f"Witnesses described the {words[0]} near the {words[1]} and the {words[2]} by the {words[3]} as badly damaged, with the {words[4]} and {words[5]} closed.")
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    title = f"Strike on {rng.choice(PLACES)} kills {rng.randint(2, 90)}"
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def generate_corpus(root: Path, originals: int = 200) -> None:
    """Some hundreds of articles in a few directories plus a JSON Lines file and a sidecar.
    Copies are written under names that sort into other shards than their originals: exact
    byte copies, copies differing only in bytes (BOM, CRLF: the same normalized text), and
    near copies with one sentence added; some copies are dated earlier than their original,
    so the copy in the later shard is the one kept. A few inputs are rejects."""
    rng = random.Random(20261123)
    meta_rows = []
    texts = {}
    for i in range(originals):
        sub = ["alpha", "bravo", "charlie"][i * 3 // originals]
        path = f"{sub}/{i:04d}.txt"
        texts[path] = article(rng)
        (root / sub).mkdir(parents=True, exist_ok=True)
        (root / path).write_text(texts[path])
        meta_rows.append([path, rng.choice(["Kyiv Post", "The Moscow Times", "Meduza", "Reuters", ""]), f"Report {i}", "", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}", "day"])
    (root / "zulu").mkdir()
    sources = sorted(texts)
    for j, src in enumerate(sources[::5]):  # 40 copies, all in the last shard
        text = texts[src]
        kind = j % 3
        dst = f"zulu/copy-{j:03d}.txt"
        if kind == 0:
            (root / dst).write_bytes(text.encode())
        elif kind == 1:
            (root / dst).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
        else:
            (root / dst).write_text(text + "\nThe figures could not be independently verified by reporters on the ground.\n")
        earlier = j % 2 == 0
        meta_rows.append([dst, "Copycat Daily", "", "", "2022-01-15" if earlier else "", "day" if earlier else ""])
    # A JSON Lines file (in shard 1: "000..." sorts first) whose records copy articles of shards 3 and 4.
    with open(root / "000-feed.jsonl", "w") as f:
        for i, src in enumerate(sources[-12::3]):
            text = texts[src] if i % 2 else texts[src] + "\nThe figures could not be independently verified by reporters on the ground.\n"
            f.write(json.dumps({"id": f"feed-{i}", "text": text, "metadata": {"outlet": "Feed", "published": "2021-06"}}) + "\n")
        f.write(json.dumps({"id": "feed-new", "text": article(rng), "metadata": {"outlet": "Feed"}}) + "\n")
        f.write("{not json\n")
    (root / "bravo" / "empty.txt").write_bytes(b"")
    (root / "charlie" / "binary.txt").write_bytes(bytes(range(256)) * 4)
    meta_rows.append(["no-such-file.txt", "Nobody", "", "", "2020-01-01", "day"])
    with open(root / "metadata.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "outlet", "title", "url", "published", "published_precision"])
        w.writerows(meta_rows)


# ------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module", autouse=True)
def binary_snapshot(tmp_path_factory):
    global BINARY
    assert BUILT_BINARY.is_file(), f"{BUILT_BINARY} is missing: run `cargo build` first"
    copy = tmp_path_factory.mktemp("bin") / "casualty-corpus"
    shutil.copy2(BUILT_BINARY, copy)
    BINARY = copy
    yield copy
    BINARY = BUILT_BINARY


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """The generated corpus and its plain `build` release."""
    root = tmp_path_factory.mktemp("corpus")
    generate_corpus(root)
    return root, plain_build([root], tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes of one CPU each, in this process's care: started here, shut down here."""
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "object_store_memory": 96 * 1024 * 1024}
    c = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        c.add_node(**node)
        c.wait_for_nodes()
        yield c.address
    finally:
        c.shutdown()


# ------------------------------------------------------------------------------------------
# tests


def test_data_raw_on_a_local_cluster_equals_build(tmp_path):
    """The driver starts and stops its own cluster (no RAY_ADDRESS): same release as build."""
    raw = REPO / "data" / "raw"
    want = plain_build([raw], tmp_path / "plain")
    proc = ray_build([raw], tmp_path / "work", tmp_path / "ray", address=None)
    assert_same_tree(tmp_path / "ray" / VERSION, want)
    run = last_run(tmp_path / "work")
    assert run["status"] == "completed" and run["ray"]["address"] == "local"
    assert set(statuses(run).values()) == {"ran"}
    assert all(s["attempts"] == 1 and s["host"] and s["seconds"] is not None for s in run["shard_runs"])
    assert run["reduce"]["exit_status"] == 0 and run["reduce"]["seconds"] >= 0
    # The release knows nothing of how it was computed.
    release = tree(tmp_path / "ray" / VERSION)
    assert not any(b"ray_build" in data or str(tmp_path).encode() in data for data in release.values())
    assert "completed" in proc.stderr


def test_generated_corpus_on_two_nodes_equals_build(corpus, cluster, tmp_path):
    root, want = corpus
    ray_build([root], tmp_path / "work", tmp_path / "ray", address=cluster)
    assert_same_tree(tmp_path / "ray" / VERSION, want)
    run = last_run(tmp_path / "work")
    assert run["status"] == "completed" and run["ray"]["nodes"] == 2
    assert set(statuses(run).values()) == {"ran"}
    assert len({s["node_id"] for s in run["shard_runs"]}) == 2, "the four map tasks all ran on one node"

    # The corpus exercises what it should: every kind of duplicate, kept and dropped copies in
    # different shards, copies kept from the later shard, and rejects.
    manifest = json.loads((want / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["articles_in"] > 200 and counts["exact_raw_duplicates"] > 5 and counts["exact_text_duplicates"] > 5 and counts["near_duplicates"] > 5, counts
    assert counts["rejects"] >= 3 and counts["metadata_problems"] >= 1, counts
    paths = articles(root)
    docs = {r["doc_id"]: r["source_path"] for r in csv.DictReader(open(want / "csv" / "documents.csv", newline=""))}
    dups = list(csv.DictReader(open(want / "csv" / "duplicates.csv", newline="")))
    cross = [(d["source_path"], docs[d["kept_doc_id"]]) for d in dups if shard_of(d["source_path"], paths) != shard_of(docs[d["kept_doc_id"]], paths)]
    assert len(cross) >= 20, f"only {len(cross)} duplicates across shards"
    assert any(kept.startswith("zulu/") for _, kept in cross), "no copy in the last shard beat its earlier-shard original"
    assert {d["kind"] for d in dups} >= {"exact_raw", "exact_text", "near"}


def test_map_tasks_failing_once_are_retried(corpus, cluster, tmp_path):
    """Shard 2's first attempt raises, shard 3's kills its worker; both leave a partial shard."""
    root, want = corpus
    env = {"CASUALTY_CORPUS_FAIL_ONCE": f"{tmp_path / 'markers'}:2,3=exit"}
    proc = ray_build([root], tmp_path / "work", tmp_path / "ray", address=cluster, env=env)
    for k in (2, 3):
        assert (tmp_path / "markers" / f"fail-once-{k}-of-{SHARDS}").is_file(), "the failure was not injected"
        assert f"shard {k}/{SHARDS}: attempt 1 failed" in proc.stderr
    assert_same_tree(tmp_path / "ray" / VERSION, want)
    run = last_run(tmp_path / "work")
    assert run["status"] == "completed" and run["fault_injection"]
    attempts = {s["shard"]: (s["status"], s["attempts"], len(s["errors"])) for s in run["shard_runs"]}
    assert attempts == {"1/4": ("ran", 1, 0), "2/4": ("ran", 2, 1), "3/4": ("ran", 2, 1), "4/4": ("ran", 1, 0)}
    errors = {s["shard"]: s["errors"][0]["error"] for s in run["shard_runs"] if s["errors"]}
    assert "injected failure" in errors["2/4"] and "injected failure" not in errors["3/4"], errors


def test_a_rerun_recomputes_only_the_incomplete_shard(corpus, cluster, tmp_path):
    """A completed map loses shard 3's marker (its records are garbage, as after a kill); a rerun
    whose shard 3 fails every attempt exits 1 without a release; the next rerun maps shard 3
    alone and gives the same release; once every shard is complete no cluster is needed."""
    root, want = corpus
    work = tmp_path / "work"
    ray_build([root], work, tmp_path / "first", address=cluster)
    assert set(statuses(last_run(work)).values()) == {"ran"}
    shard3 = work / "shards" / f"3-of-{SHARDS}"
    (shard3 / "COMPLETE").unlink()
    (shard3 / "records.jsonl").write_text("garbage\n")

    env = {"CASUALTY_CORPUS_FAIL_ONCE": f"{tmp_path / 'markers'}:3"}
    proc = ray_build([root], work, tmp_path / "ray", address=cluster, env=env, extra=["--retries", "0"], check=False)
    assert proc.returncode == 1, proc.stderr
    assert "error: shard(s) 3/4 failed after 1 attempts" in proc.stderr
    assert not (tmp_path / "ray" / VERSION).exists()
    run = last_run(work)
    assert run["status"] == "failed" and run["reduce"] is None
    assert statuses(run) == {"1/4": "skipped", "2/4": "skipped", "3/4": "failed", "4/4": "skipped"}

    ray_build([root], work, tmp_path / "ray", address=cluster)
    run = last_run(work)
    assert statuses(run) == {"1/4": "skipped", "2/4": "skipped", "3/4": "ran", "4/4": "skipped"}
    assert run["status"] == "completed" and run["reduce"]["exit_status"] == 0
    assert_same_tree(tmp_path / "ray" / VERSION, want)

    proc = ray_build([root], work, tmp_path / "ray", address=None)
    run = last_run(work)
    assert set(statuses(run).values()) == {"skipped"} and run["ray"] is None and run["status"] == "completed"
    assert "identical content" in proc.stderr
    assert len(list((work / "runs").glob("*.json"))) == 4


def test_a_work_directory_of_other_inputs_is_refused(tmp_path):
    raw = REPO / "data" / "raw"
    work = tmp_path / "work"
    (work / "shards" / "1-of-4").mkdir(parents=True)
    proc = ray_build([raw], work, tmp_path / "ray", address=None, check=False)
    assert proc.returncode == 1 and "did not record" in proc.stderr
    (work / "shards" / "1-of-4").rmdir()
    (work / "ray_build.json").write_text(json.dumps({"shards": 4, "map_arguments": ["--input", "/elsewhere"], "binary_sha256": "0"}))
    proc = ray_build([raw], work, tmp_path / "ray", address=None, check=False)
    assert proc.returncode == 1 and "binary_sha256, map_arguments differ" in proc.stderr and "--fresh" in proc.stderr
    proc = ray_build([raw], work, tmp_path / "ray", address=None, check=False, extra=["--shards", "3"])
    assert proc.returncode == 1
