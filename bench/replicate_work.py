#!/usr/bin/env python3
"""Fabricates a large map work directory from a real one, to measure the reduce's memory per
document at sizes the bench cannot map on a small machine (bench/results.md, "Reduce at 100
million documents").

    python3 bench/replicate_work.py SRC_WORK DST_WORK R [--shards N]

SRC_WORK is a work directory that `casualty-corpus map` filled (every shard complete, no rejects
needed). DST_WORK receives N shards (default 8) holding R replicas of all its documents, in
order: each replica keeps every dedup key but XORs the MinHash signature with a mask of its own
and re-hashes both digests, so a replica has the source's duplicate structure (exact groups,
shared LSH buckets, similarities) and matches no other replica; the reduce then finds exactly R
times the source's duplicates. The records keep each document's metadata with its text cut to 300
characters and no rows (sentences, claims, names, statements), so the fabricated release is small
and what grows with R is the per-document state of the reduce. Not a corpus: only for
`casualty-corpus reduce --work DST_WORK ...` under `/usr/bin/time -v`. Python standard library.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("replicas", type=int)
    p.add_argument("--shards", type=int, default=8)
    a = p.parse_args()
    shards = sorted((d for d in os.listdir(os.path.join(a.src, "shards")) if "-of-" in d), key=lambda d: int(d.split("-")[0]))
    src = [os.path.join(a.src, "shards", d) for d in shards]
    keys: list[str] = []
    docs: list[dict] = []
    for d in src:
        with open(os.path.join(d, "keys.jsonl")) as f:
            keys += f.read().splitlines()
        with open(os.path.join(d, "records.jsonl")) as f:
            for line in f:
                rec = json.loads(line)
                if "Doc" in rec:  # keys.jsonl has one line per document, none per reject
                    docs.append(rec["Doc"]["document"])
    if len(keys) != len(docs):
        raise SystemExit(f"error: {len(keys)} keys but {len(docs)} documents in {a.src}")
    config = open(os.path.join(src[0], "config.json")).read()
    complete = open(os.path.join(src[0], "COMPLETE")).read()
    rehash = lambda r, x: hashlib.sha256(f"{r}:{x}".encode()).hexdigest()
    n_shards, total = a.shards, 0
    for k in range(n_shards):
        out = os.path.join(a.dst, "shards", f"{k + 1}-of-{n_shards}")
        os.makedirs(out, exist_ok=True)
        n = 0
        with open(os.path.join(out, "keys.jsonl"), "w") as fk, open(os.path.join(out, "records.jsonl"), "w") as fr:
            for r in range(k * a.replicas // n_shards, (k + 1) * a.replicas // n_shards):
                mask = int.from_bytes(hashlib.sha256(f"mask{r}".encode()).digest()[:8], "little")
                for line, doc in zip(keys, docs):
                    key = json.loads(line)
                    raw, doc_id = rehash(r, key["raw_sha256"]), rehash(r, key["doc_id"])
                    path = f"r{r:03d}/{key['source_path']}"
                    key.update(raw_sha256=raw, doc_id=doc_id, source_path=path, signature=[v ^ mask for v in key["signature"]])
                    fk.write(json.dumps(key, separators=(",", ":")) + "\n")
                    d = dict(doc, doc_id=doc_id, raw_sha256=raw, source_path=path, text=doc["text"][:300])
                    fr.write(json.dumps({"Doc": {"document": d, "sentences": [], "claims": [], "named_casualties": [], "statements": []}},
                                        separators=(",", ":")) + "\n")
                    n += 1
        with open(os.path.join(out, "config.json"), "w") as f:
            f.write(config)
        open(os.path.join(out, "sidecar_problems.jsonl"), "w").close()
        with open(os.path.join(out, "stats.json"), "w") as f:
            json.dump({"items": n, "documents": n, "rejects": 0, "metadata_problems": 0, "seconds": 0.0}, f)
        with open(os.path.join(out, "COMPLETE"), "w") as f:
            f.write(complete)
        total += n
    print(f"replicate_work: {a.replicas} x {len(keys)} = {total} documents in {n_shards} shards -> {a.dst}")


if __name__ == "__main__":
    main()
