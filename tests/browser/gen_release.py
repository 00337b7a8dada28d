"""Writes a synthetic release directory (CSV tables in the release layout, the manifest) with a
given number of claims, for the report's large-release test. Its rows follow the schemas in
`schemas/` and every span is a real code-point span of its document's text; nothing depends on
the extraction code. Deterministic: the same arguments give the same bytes.

Usage: python tests/browser/gen_release.py OUT_DIR/VERSION [--claims 100000] [--claims-per-doc 20]
"""

import argparse
import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["documents", "duplicates", "rejects", "sentences", "casualty_claims", "named_casualties", "statements"]
OUTCOMES = ["killed", "wounded", "casualties", "captured", "missing", "exchanged"]
QUALIFIERS = ["exact", "at_least", "more_than", "up_to", "less_than", "approximately", "range", "vague"]
SOURCE_TYPES = ["official_russia", "official_ukraine", "official_other", "activist", "media", "unnamed", "none"]
STANCES = ["denial", "no_comment", "secrecy", "admission", "disclosure", "call_for_disclosure"]
SOURCES = {"official_russia": "the Defence Ministry", "official_ukraine": "the General Staff", "official_other": "the UN mission",
           "activist": "Cargo 200 activists", "media": "Novaya Gazeta", "unnamed": "sources", "none": None}
WORDS = "the of convoy near Donetsk village Ілловайськ «report» — shelling morning officials said region front 😀 units".split()


def columns(table):
    schema = json.loads((ROOT / "schemas" / f"{table}.schema.json").read_text())
    return list(schema["properties"])


def sha(n, salt):
    import hashlib
    return hashlib.sha256(f"{salt}:{n}".encode()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("release")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--claims-per-doc", type=int, default=20)
    args = ap.parse_args()
    rel = Path(args.release)
    (rel / "csv").mkdir(parents=True, exist_ok=False)
    rnd = random.Random(11)
    n_docs = max(1, -(-args.claims // args.claims_per_doc))
    rows = {t: [] for t in TABLES}
    claims_left = args.claims
    for d in range(n_docs):
        doc_id = sha(d, "doc")
        year, month = 2014 + (d * 7) % 10, 1 + (d * 5) % 12
        published = f"{year:04d}-{month:02d}-{1 + d % 28:02d}"
        parts, spans = [], []
        pos = 0  # in code points

        def add(s):
            nonlocal pos
            parts.append(s)
            pos += len(s)

        for k in range(min(args.claims_per_doc, claims_left)):
            add(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 12))) + ", ")
            n = rnd.choice([1, 3, 14, 40, 220, 1500, 6100, 45000])
            st = SOURCE_TYPES[(d + k) % len(SOURCE_TYPES)]
            outcome = OUTCOMES[(d * 3 + k) % len(OUTCOMES)]
            ev = f"at least {n} soldiers were {outcome}"
            start = pos
            add(ev)
            spans.append((start, pos, n, outcome, st, k))
            add(f" according to {SOURCES[st] or 'the report'}.\n")
        text = "".join(parts)
        claims_left -= len(spans)
        rows["documents"].append([doc_id, f"synthetic/{d:06d}.txt", "", f"{d:06d}.txt", sha(d, "raw"), "Synthetic Outlet",
                                  f"Synthetic article {d} «{year}»", "", published, "day", "en", "utf-8", text, len(text),
                                  len(text.split()), len(spans), 0])
        for k, (start, end, n, outcome, st, kk) in enumerate(spans):
            q = QUALIFIERS[(d + kk) % len(QUALIFIERS)]
            rows["sentences"].append([doc_id, k, start, end, "body", text[start:end]])
            event = f"{year:04d}-{month:02d}" if k % 3 else ""
            rows["casualty_claims"].append([sha(f"{d}:{k}", "claim")[:16], doc_id, k, start, end, f"at least {n}", n, "", q, outcome,
                                            "soldiers", "russia", "military", "", "", event, "month" if event else "",
                                            SOURCES[st] or "", st, "true" if k % 4 == 0 else "false", "synthetic"])
            if k % 10 == 0:
                rows["statements"].append([sha(f"{d}:{k}", "st")[:16], doc_id, k, start, end, "Dmitry Peskov", "official_russia",
                                           STANCES[(d + k) % len(STANCES)], "casualties", ""])
            if k == 1:
                rows["named_casualties"].append([doc_id, f"Person {d}", 20 + d % 30, "", "", outcome, "", "", "", start, end])
        if d % 50 == 0:
            rows["duplicates"].append([f"synthetic/dup-{d:06d}.txt", "", sha(d, "dupraw"), "near", doc_id, 0.85])
        if d % 100 == 0:
            rows["rejects"].append([f"synthetic/bad-{d:06d}.txt", "", "", "empty", "The file is empty."])
    for t in TABLES:
        with open(rel / "csv" / f"{t}.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(columns(t))
            w.writerows(rows[t])
    manifest = {
        "name": "casualty-corpus", "release_version": rel.name,
        "code_version": {"crate_name": "casualty-corpus", "crate_version": "synthetic", "commit": "synthetic"},
        "input_digest": sha(0, "input"),
        "counts": {"articles_in": n_docs + len(rows["duplicates"]) + len(rows["rejects"]), "kept": n_docs,
                   "duplicates": len(rows["duplicates"]), "exact_raw_duplicates": 0, "exact_text_duplicates": 0,
                   "near_duplicates": len(rows["duplicates"]), "rejects": len(rows["rejects"]), "metadata_problems": 0,
                   "rejects_by_reason": {"empty": len(rows["rejects"])}},
        "configuration": {}, "lexicons": {},
        "table_rows": {t: len(rows[t]) for t in sorted(TABLES)}, "files": [],
    }
    (rel / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{rel}: {n_docs} documents, {len(rows['casualty_claims'])} claims, {len(rows['statements'])} statements")


if __name__ == "__main__":
    main()
