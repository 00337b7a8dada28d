#!/usr/bin/env python3
"""Check the held-out gold (stdlib only).

Usage: python3 tests/heldout4/check_gold.py [gold.jsonl] [texts_dir] [metadata.csv]

Checks that every row of gold.jsonl parses, names an existing article, has exactly the
fields of its table (the format of shared/gold/dev.jsonl), allowed enum values (codebook
section 3), count bounds that agree with the qualifier table of codebook section 4 (and
with the number written in count_text), and that every evidence (and every quote) is a
substring of its article after the whitespace folding of codebook stage 2
(victim_text, location_text, time_text, source_text, name, hometown, affiliation,
time_text and place_text too: they are 'as written'). Also checks
metadata.csv (section 1). Exits 1 on any error.
"""
import csv
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "gold.jsonl")
TEXTS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "texts")
META = sys.argv[3] if len(sys.argv) > 3 else os.path.join(HERE, "metadata.csv")

FIELDS = {
    "casualty_claims": ["table", "file", "evidence", "count_text", "count_low", "count_high",
                        "qualifier", "outcome", "victim_text", "victim_side", "victim_type",
                        "location_text", "time_text", "source_text", "source_type", "hedged"],
    "named_casualties": ["table", "file", "name", "age", "hometown", "affiliation", "outcome",
                         "time_text", "place_text"],
    "statements": ["table", "file", "evidence", "speaker", "speaker_type", "stance", "topic",
                   "quote"],
}
QUALIFIERS = {"exact", "at_least", "more_than", "up_to", "less_than", "approximately", "range",
              "vague"}
OUTCOMES = {"killed", "wounded", "casualties", "captured", "missing", "exchanged"}
NAMED_OUTCOMES = {"killed", "wounded", "captured", "missing"}
SIDES = {"russia", "ukraine", "other", "unspecified"}
VTYPES = {"military", "mercenary", "civilian", "unspecified"}
STYPES = {"official_russia", "official_ukraine", "official_other", "activist", "media",
          "unnamed", "none"}
STANCES = {"denial", "no_comment", "secrecy", "admission", "disclosure", "call_for_disclosure"}
TOPICS = {"casualties", "involvement"}
NULLABLE_STR = {"victim_text", "location_text", "time_text", "source_text", "quote", "hometown",
                "affiliation", "place_text"}

# Vague words and their conservative minimum (codebook section 4), longest first.
VAGUE = [
    ("hundreds of thousands", 100000), ("tens of thousands", 10000),
    ("several hundreds", 100), ("several hundred", 100), ("a few hundred", 100),
    ("several thousand", 1000), ("a few thousand", 1000), ("several dozen", 12),
    ("a great number", 10), ("large numbers", 10), ("a number of", 10),
    ("a handful", 3), ("a couple", 3), ("a few", 3),
    ("several", 10), ("many", 10), ("numerous", 10),
    ("dozens", 12), ("scores", 12), ("hundreds", 100), ("thousands", 1000), ("tens", 10),
]
UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
         "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
         "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1000000}
SINGULAR = re.compile(r"^(a|an|one|a second|another)\b", re.I)


def fold(text):
    """Stage-2 folding: NFC, every Unicode space to ASCII, zero-width dropped, runs collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", text)
    text = "".join(" " if (ch.isspace() or unicodedata.category(ch) == "Zs") else ch
                   for ch in text)
    return re.sub(" +", " ", text)


def ascii_quotes(text):
    return (text.replace("\u2018", "'").replace("\u2019", "'")
            .replace("\u201c", '"').replace("\u201d", '"')
            .replace("\u2013", "-").replace("\u2014", "-"))


def read_number(s):
    """The number written in a count_text, or None. Digits, words, 'dozen', scales."""
    s = s.lower().replace("\u00a0", " ")
    m = re.search(r"\d[\d,]*(?:\.\d+)?", s)
    if m:
        raw = m.group(0)
        if re.fullmatch(r"\d{1,3}(,\d{3})+", raw):
            val = float(raw.replace(",", ""))
        else:
            val = float(raw.replace(",", ""))
        rest = s[m.end():].split()
        if rest and rest[0] in SCALES:
            val *= SCALES[rest[0]]
        return int(val)
    words = re.findall(r"[a-z]+", s.replace("-", " "))
    total, cur, seen = 0, 0, False
    for w in words:
        if w in UNITS:
            cur += UNITS[w]; seen = True
        elif w in TENS:
            cur += TENS[w]; seen = True
        elif w == "dozen":
            cur = (cur or 1) * 12; seen = True
        elif w == "hundred":
            cur = (cur or 1) * 100; seen = True
        elif w in ("thousand", "million"):
            total += (cur or 1) * SCALES[w]; cur = 0; seen = True
    if seen:
        return total + cur
    return None


def vague_min(s):
    low = s.lower()
    for word, val in VAGUE:
        if re.search(r"\b" + re.escape(word) + r"\b", low):
            return val
    return None


def main():
    errors = []
    texts = {}
    for name in sorted(os.listdir(TEXTS)):
        with open(os.path.join(TEXTS, name), encoding="utf-8") as fh:
            texts[name] = fold(fh.read())

    counts = {t: 0 for t in FIELDS}
    per_file = {}
    named_keys = set()
    stmt_keys = set()
    with open(GOLD, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            where = "line %d" % n
            if not line.strip():
                errors.append(where + ": blank line"); continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append("%s: bad JSON: %s" % (where, e)); continue
            table = row.get("table")
            if table not in FIELDS:
                errors.append("%s: unknown table %r" % (where, table)); continue
            counts[table] += 1
            if list(row) != FIELDS[table]:
                errors.append("%s: fields %s, expected %s" % (where, list(row), FIELDS[table]))
                continue
            f = row["file"]
            per_file.setdefault(f, {t: 0 for t in FIELDS})[table] += 1
            if f not in texts:
                errors.append("%s: no article %r" % (where, f)); continue
            text = texts[f]
            where = "line %d (%s, %s)" % (n, f, table)
            for k, v in row.items():
                if k in NULLABLE_STR and v is not None and (not isinstance(v, str) or not v.strip()):
                    errors.append("%s: %s must be a non-empty string or null" % (where, k))

            def has(fragment, what):
                if fragment is None:
                    return
                frag = fold(fragment)
                if frag not in text and ascii_quotes(frag) not in ascii_quotes(text):
                    errors.append("%s: %s not in article: %r" % (where, what, fragment))

            if table == "casualty_claims":
                has(row["evidence"], "evidence")
                q, lo, hi = row["qualifier"], row["count_low"], row["count_high"]
                for k, allowed in (("qualifier", QUALIFIERS), ("outcome", OUTCOMES),
                                   ("victim_side", SIDES), ("victim_type", VTYPES),
                                   ("source_type", STYPES)):
                    if row[k] not in allowed:
                        errors.append("%s: bad %s %r" % (where, k, row[k]))
                if not isinstance(row["hedged"], bool):
                    errors.append("%s: hedged must be a boolean" % where)
                for k in ("count_low", "count_high"):
                    if row[k] is not None and (not isinstance(row[k], int) or isinstance(row[k], bool) or row[k] < 0):
                        errors.append("%s: %s must be a non-negative integer or null" % (where, k))
                for k in ("victim_text", "location_text", "time_text", "source_text"):
                    has(row[k], k)  # "as written": each must occur in the article
                if (row["source_text"] is None) != (row["source_type"] == "none"):
                    errors.append("%s: source_text null iff source_type none" % where)
                ct = row["count_text"]
                if not isinstance(ct, str) or not ct:
                    errors.append("%s: count_text missing" % where); continue
                if fold(ct).lower() not in fold(row["evidence"]).lower():
                    errors.append("%s: count_text %r not in evidence" % (where, ct))
                shape = {
                    "exact": lo is not None and lo == hi,
                    "at_least": lo is not None and hi is None,
                    "more_than": lo is not None and hi is None,
                    "up_to": lo is None and hi is not None,
                    "less_than": lo is None and hi is not None,
                    "approximately": lo is not None and lo == hi,
                    "range": lo is not None and hi is not None and lo < hi,
                    "vague": lo is not None and hi is None,
                }.get(q, False)
                if not shape:
                    errors.append("%s: bounds (%r, %r) disagree with qualifier %s" % (where, lo, hi, q))
                # The number as written must be the bound.
                if q == "vague":
                    vm = vague_min(ct)
                    if vm != lo:
                        errors.append("%s: vague %r should have low %r, has %r" % (where, ct, vm, lo))
                elif q == "range":
                    nums = [int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", ct)]
                    if nums and nums != [lo, hi]:
                        errors.append("%s: range %r vs (%r, %r)" % (where, ct, lo, hi))
                else:
                    ct_num = re.sub(r"\b[\w-]+-year-old\b", "", ct)  # an age is not the count
                    val = read_number(ct_num)
                    if val is None and SINGULAR.search(ct) or val is None and re.fullmatch(r"[A-Za-z]+", ct):
                        val = 1
                    bound = lo if lo is not None else hi
                    vm = vague_min(ct)
                    if vm is not None and read_number(ct_num) is None:
                        val = vm  # "more than a dozen"-style qualified vague words
                    if val != bound:
                        errors.append("%s: count_text %r reads %r, bound is %r" % (where, ct, val, bound))
                # Qualifier words in count_text must agree with the qualifier.
                low_ct = ct.lower()
                cues = [(r"\b(at least|no fewer than|or more)\b", "at_least"),
                        (r"\b(more than|over|in excess of)\b", "more_than"),
                        (r"\b(up to|as many as|as high as)\b", "up_to"),
                        (r"\b(fewer than|less than|under)\b", "less_than"),
                        (r"\b(about|around|roughly|close to|nearly|almost|some|an estimated|in the region of)\b", "approximately"),
                        (r"\b(between|from)\b.*\b(and|to)\b|\d\s*[-\u2013]\s*\d", "range")]
                for pat, qual in cues:
                    if re.search(pat, low_ct):
                        if q != qual:
                            errors.append("%s: count_text %r suggests %s, has %s" % (where, ct, qual, q))
                        break
            elif table == "named_casualties":
                if row["outcome"] not in NAMED_OUTCOMES:
                    errors.append("%s: bad outcome %r" % (where, row["outcome"]))
                if row["age"] is not None and (not isinstance(row["age"], int) or not 0 < row["age"] < 120):
                    errors.append("%s: bad age %r" % (where, row["age"]))
                key = (f, unicodedata.normalize("NFKD", row["name"]).casefold())
                if key in named_keys:
                    errors.append("%s: %r named twice (one row per person and document)" % (where, row["name"]))
                named_keys.add(key)
                has(row["name"], "name")
                for k in ("hometown", "affiliation", "time_text", "place_text"):
                    has(row[k], k)
            else:
                has(row["evidence"], "evidence")
                has(row["quote"], "quote")
                if row["speaker_type"] not in STYPES - {"none"}:
                    errors.append("%s: bad speaker_type %r" % (where, row["speaker_type"]))
                if row["stance"] not in STANCES:
                    errors.append("%s: bad stance %r" % (where, row["stance"]))
                if row["topic"] not in TOPICS:
                    errors.append("%s: bad topic %r" % (where, row["topic"]))
                if not isinstance(row["speaker"], str) or not row["speaker"].strip():
                    errors.append("%s: speaker missing" % where)
                key = (f, row["evidence"], row["stance"])
                if key in stmt_keys:
                    errors.append("%s: duplicate statement (same span and stance)" % where)
                stmt_keys.add(key)

    # Metadata sidecar (codebook section 1).
    with open(META, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["file", "outlet", "title", "url", "published", "published_precision"]:
            errors.append("metadata.csv: header %r" % reader.fieldnames)
        seen = set()
        for i, r in enumerate(reader, 1):
            if r["file"] not in texts:
                errors.append("metadata.csv row %d: no article %r" % (i, r["file"]))
            seen.add(r["file"])
            pat = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
            p = r["published_precision"]
            if r["published"] and (p not in pat or not re.fullmatch(pat[p], r["published"])):
                errors.append("metadata.csv row %d: published %r / precision %r" % (i, r["published"], p))
        for name in texts:
            if name not in seen:
                errors.append("metadata.csv: no row for %s" % name)

    for name in sorted(texts):
        c = per_file.get(name, {t: 0 for t in FIELDS})
        print("%s  claims %3d  named %2d  statements %2d  words %d" % (
            name, c["casualty_claims"], c["named_casualties"], c["statements"], len(texts[name].split())))
    print("total: " + ", ".join("%s %d" % kv for kv in counts.items()))
    for e in errors:
        print("ERROR " + e)
    print("%d error(s)" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
