#!/usr/bin/env python3
"""The peer of `make bench`: the comparable work done with datatrove (pinned in requirements.txt).

    target/bench/venv/bin/python bench/peer_datatrove.py --input JSONL_DIR --work DIR [--workers N]

Reads every `*.jsonl` of JSONL_DIR, drops exact duplicates (same text), drops near duplicates
(MinHash of word 5-grams, 14 bands x 8 hashes, datatrove's defaults) and writes the kept documents
as Parquet (zstd). Seven stages, run one after the other with LocalPipelineExecutor:

  1 read -> exact signatures        (one task per input file)
  2 exact duplicates found          (1 task)
  3 read -> exact filter -> MinHash signatures   (one task per input file)
  4 MinHash buckets                 (14 tasks, one per band)
  5 MinHash clusters                (1 task)
  6 read -> exact filter -> MinHash filter -> Parquet   (one task per input file)

Prints one JSON line on stdout: seconds per stage and in total, documents read and written.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import time


def text_of(doc) -> str:  # datatrove reads the hash type from the return annotation
    return doc.text


META = ("outlet", "title", "url", "published", "published_precision")


def row_of(writer, doc) -> dict:
    """Fixed columns (datatrove's default drops empty fields, so the schema would vary by batch)."""
    m = doc.metadata or {}
    return {"id": doc.id, "text": doc.text, **{k: str(m.get(k) or "") for k in META}}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (ExactDedupConfig, ExactDedupFilter, ExactDedupSignature, ExactFindDedups,
                                          MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                          MinhashDedupFilter, MinhashDedupSignature)
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import ParquetWriter

    files = sorted(glob.glob(os.path.join(a.input, "*.jsonl")))
    if not files:
        print(f"error: no .jsonl files in {a.input}", file=sys.stderr)
        return 1
    tasks = len(files)
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    d = lambda name: os.path.join(work, name)
    exact = ExactDedupConfig(content_getter=text_of)
    minhash = MinhashConfig(n_grams=5, num_buckets=14, hashes_per_bucket=8, seed=1)

    def reader():
        return JsonlReader(a.input, glob_pattern="*.jsonl", text_key="text", id_key="id", recursive=False)

    stages = [
        ("exact_signatures", [reader(), ExactDedupSignature(output_folder=d("exact_sigs"), config=exact)], tasks),
        ("exact_find", [ExactFindDedups(data_folder=d("exact_sigs"), output_folder=d("exact_dups"), config=exact)], 1),
        ("minhash_signatures", [reader(), ExactDedupFilter(data_folder=d("exact_dups"), config=exact),
                                MinhashDedupSignature(output_folder=d("mh_sigs"), config=minhash)], tasks),
        ("minhash_buckets", [MinhashDedupBuckets(input_folder=d("mh_sigs"), output_folder=d("mh_buckets"), config=minhash)],
         minhash.num_buckets),
        ("minhash_cluster", [MinhashDedupCluster(input_folder=d("mh_buckets"), output_folder=d("mh_remove"), config=minhash)], 1),
        ("filter_write", [reader(), ExactDedupFilter(data_folder=d("exact_dups"), config=exact),
                          MinhashDedupFilter(input_folder=d("mh_remove")),
                          ParquetWriter(d("output"), output_filename="${rank}.parquet", compression="zstd",
                                        adapter=row_of)], tasks),
    ]
    times = {}
    started = time.perf_counter()
    for name, pipeline, n in stages:
        t = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=n, workers=min(a.workers, n),
                              logging_dir=d(f"logs/{name}"), skip_completed=False).run()
        times[name] = round(time.perf_counter() - t, 3)
    total = time.perf_counter() - started

    import pyarrow.parquet as pq
    kept = sum(pq.ParquetFile(f).metadata.num_rows for f in glob.glob(d("output/*.parquet")))
    read = 0
    for f in files:
        with open(f, "rb") as fh:
            read += sum(1 for _ in fh)
    print(json.dumps({"seconds": round(total, 3), "stages": times, "documents_read": read, "documents_kept": kept,
                      "tasks": tasks, "workers": a.workers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
