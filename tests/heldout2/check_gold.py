#!/usr/bin/env python3
"""Stdlib-only checker for tests/heldout2/gold.jsonl (codebook sections 3, 4, 6, 7).

Checks fields and their order per table (same as shared/gold/dev.jsonl), allowed values,
count bounds against the qualifier (section 4), and that each evidence is a substring of
the article after stage-2 whitespace folding. Exit status 1 on any error.
Usage: python3 check_gold.py [gold.jsonl] [texts_dir]
"""
import json, os, re, sys, unicodedata, csv
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "gold.jsonl")
TEXTS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "texts")

FIELDS = {
    "casualty_claims": ["table", "file", "evidence", "count_text", "count_low", "count_high", "qualifier",
                        "outcome", "victim_text", "victim_side", "victim_type", "location_text", "time_text",
                        "source_text", "source_type", "hedged"],
    "named_casualties": ["table", "file", "name", "age", "hometown", "affiliation", "outcome", "time_text",
                         "place_text"],
    "statements": ["table", "file", "evidence", "speaker", "speaker_type", "stance", "topic", "quote"],
}
QUALIFIERS = {"exact", "at_least", "more_than", "up_to", "less_than", "approximately", "range", "vague"}
OUTCOMES = {"killed", "wounded", "casualties", "captured", "missing", "exchanged"}
SIDES = {"russia", "ukraine", "other", "unspecified"}
VTYPES = {"military", "mercenary", "civilian", "unspecified"}
STYPES = {"official_russia", "official_ukraine", "official_other", "activist", "media", "unnamed", "none"}
STANCES = {"denial", "no_comment", "secrecy", "admission", "disclosure", "call_for_disclosure"}
TOPICS = {"casualties", "involvement"}
VAGUE = {10, 3, 12, 100, 1000, 10000, 100000}  # conservative minima of section 4
SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
ZW = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def fold(s):
    s = unicodedata.normalize("NFC", s)
    s = ZW.sub("", s)
    return SPACES.sub(" ", s).strip()


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_counts(r, err):
    q, lo, hi = r["qualifier"], r["count_low"], r["count_high"]
    for v in (lo, hi):
        if v is not None and (not is_int(v) or v < 0):
            err("count bound not a non-negative integer: %r" % (v,))
            return
    if q == "exact" or q == "approximately":
        ok = lo is not None and lo == hi
    elif q in ("at_least", "more_than"):
        ok = lo is not None and hi is None
    elif q in ("up_to", "less_than"):
        ok = lo is None and hi is not None
    elif q == "range":
        ok = lo is not None and hi is not None and lo < hi
    elif q == "vague":
        ok = lo in VAGUE and hi is None
    else:
        ok = False
    if not ok:
        err("bounds (%r, %r) do not fit qualifier %s" % (lo, hi, q))
    if r["count_text"] in (None, ""):
        err("empty count_text")


def main():
    errors, texts, counts = [], {}, Counter()
    meta = {}
    mpath = os.path.join(HERE, "metadata.csv")
    if os.path.exists(mpath):
        with open(mpath, encoding="utf-8", newline="") as f:
            rd = csv.DictReader(f)
            if rd.fieldnames != ["file", "outlet", "title", "url", "published", "published_precision"]:
                errors.append("metadata.csv: bad header %r" % rd.fieldnames)
            for i, m in enumerate(rd, 1):
                meta[m["file"]] = m
                pub, prec = m["published"], m["published_precision"]
                pat = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$", "year": r"^\d{4}$"}.get(prec)
                if pub and (pat is None or not re.match(pat, pub)):
                    errors.append("metadata.csv row %d: published %r vs precision %r" % (i, pub, prec))
    for name in sorted(os.listdir(TEXTS)):
        if name.endswith(".txt"):
            raw = open(os.path.join(TEXTS, name), "rb").read()
            texts[name] = fold(raw.decode("utf-8"))
            if meta and name not in meta:
                errors.append("%s: no metadata row" % name)
            words = len(texts[name].split())
            if not 300 <= words <= 720:
                errors.append("%s: %d words, outside 300-700" % (name, words))
    seen = set()
    with open(GOLD, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            def err(msg, n=n):
                errors.append("line %d: %s" % (n, msg))
            try:
                r = json.loads(line)
            except ValueError as e:
                err("bad JSON: %s" % e)
                continue
            t = r.get("table")
            if t not in FIELDS:
                err("unknown table %r" % t)
                continue
            if list(r.keys()) != FIELDS[t]:
                err("fields %r, expected %r" % (list(r.keys()), FIELDS[t]))
                continue
            counts[(r["file"], t)] += 1
            if r["file"] not in texts:
                err("no article %s" % r["file"])
                continue
            text = texts[r["file"]]
            if t in ("casualty_claims", "statements"):
                ev = r["evidence"]
                if not isinstance(ev, str) or not ev.strip():
                    err("empty evidence")
                elif fold(ev) not in text:
                    err("evidence not in %s: %r" % (r["file"], ev))
            if t == "casualty_claims":
                if r["qualifier"] not in QUALIFIERS: err("qualifier %r" % r["qualifier"])
                if r["outcome"] not in OUTCOMES: err("outcome %r" % r["outcome"])
                if r["victim_side"] not in SIDES: err("victim_side %r" % r["victim_side"])
                if r["victim_type"] not in VTYPES: err("victim_type %r" % r["victim_type"])
                if r["source_type"] not in STYPES: err("source_type %r" % r["source_type"])
                if not isinstance(r["hedged"], bool): err("hedged not boolean")
                if (r["source_type"] == "none") != (r["source_text"] is None):
                    err("source_text %r vs source_type %s" % (r["source_text"], r["source_type"]))
                if r["count_text"] and fold(r["count_text"]).lower() not in fold(r["evidence"]).lower():
                    err("count_text %r not inside evidence" % r["count_text"])
                check_counts(r, err)
                key = (r["file"], r["evidence"], r["outcome"])
                if key in seen: err("duplicate claim %r" % (key,))
                seen.add(key)
            elif t == "named_casualties":
                if r["outcome"] not in OUTCOMES - {"casualties", "exchanged"}: err("outcome %r" % r["outcome"])
                if r["age"] is not None and not is_int(r["age"]): err("age not integer")
                if fold(r["name"]) not in text: err("name %r not in text" % r["name"])
                key = (r["file"], r["name"].lower())
                if key in seen: err("duplicate named casualty %r" % (key,))
                seen.add(key)
            else:
                if r["speaker_type"] not in STYPES - {"none", "unnamed"}: err("speaker_type %r" % r["speaker_type"])
                if r["stance"] not in STANCES: err("stance %r" % r["stance"])
                if r["topic"] not in TOPICS: err("topic %r" % r["topic"])
                if not r["speaker"]: err("empty speaker")
                if r["quote"] is not None and fold(r["quote"]) not in text: err("quote not in text: %r" % r["quote"])
    for e in errors:
        print("ERROR", e)
    per = Counter()
    for (fname, t), c in sorted(counts.items()):
        per[t] += c
    for name in sorted(texts):
        print(name, {t: counts[(name, t)] for t in FIELDS})
    print("total", dict(per), "errors", len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
