"""Opens a release's report.html in headless Chromium (Debian's chromium + chromium-driver,
driven by selenium) from disk and checks it as a reader would use it.

  python tests/browser/test_report.py release RELEASE_DIR [REPORT_HTML]
      no console error; the claims table can show exactly the rows of casualty_claims; clicking a
      claim highlights documents.text[start:end] (code points); filters and search agree with
      the CSV; a screenshot goes to target/test-artifacts/report.png.
  python tests/browser/test_report.py large REPORT_HTML CLAIMS [--bound-seconds S]
      the report of a generated release loads and renders its first page within S seconds
      (default 15: about 10x the wall time measured on the project's 2-core machine, 1.1-1.4 s); prints the time
      and writes it to target/test-artifacts/report-load.txt.

REPORT_HTML defaults to RELEASE_DIR/report.html when the release holds one, else to
RELEASE_DIR.report.html (what `casualty-corpus report RELEASE_DIR` writes beside it).
"""

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "target" / "test-artifacts"
csv.field_size_limit(1 << 30)


def driver(profile):
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def console_errors(d):
    return [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]


def open_report(d, path, timeout):
    started = time.monotonic()
    d.get(Path(path).resolve().as_uri())
    WebDriverWait(d, timeout).until(lambda d: d.execute_script("return document.documentElement.dataset.ready === '1'"))
    wall = time.monotonic() - started
    return wall, d.execute_script("return window.__report.readyMs") / 1000.0


def read_csv(release, table):
    with open(Path(release) / "csv" / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check(cond, message, failures):
    if not cond:
        failures.append(message)
        print("FAIL:", message)


def focused_text(d):
    return d.execute_script("return Array.from(document.querySelectorAll('#doc-text mark.focus')).map(e => e.textContent).join('')")


def test_release(release, report):
    failures = []
    claims = read_csv(release, "casualty_claims")
    texts = {r["doc_id"]: r["text"] for r in read_csv(release, "documents")}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        d = driver(profile)
        try:
            wall, ready = open_report(d, report, 30)
            print(f"{report}: ready in {ready:.2f}s (wall {wall:.2f}s); {len(claims)} claims in the table")
            errs = console_errors(d)
            check(not errs, f"console errors on load: {errs}", failures)

            d.find_element(By.CSS_SELECTOR, '#tabs a[data-tab="claims"]').click()
            count = d.find_element(By.ID, "claims-count")
            check(int(count.get_attribute("data-total")) == len(claims), f"claims shown {count.get_attribute('data-total')} != table {len(claims)}", failures)
            check(int(count.get_attribute("data-matching")) == len(claims), "unfiltered matching != table", failures)
            # Page through: every row of the table can be shown, once.
            seen = []
            while True:
                seen += [int(tr.get_attribute("data-row")) for tr in d.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr.claims-row")]
                nxt = d.find_element(By.CSS_SELECTOR, '[data-next="claims"]')
                if not nxt.is_enabled():
                    break
                nxt.click()
            check(seen == list(range(len(claims))), f"paging shows rows {seen[:5]}... ({len(seen)}), not the {len(claims)} claims", failures)

            # Filters and search agree with the table.
            for label, column in [("outcome", "outcome"), ("source type", "source_type"), ("qualifier", "qualifier")]:
                if not claims:
                    break
                value = claims[0][column]
                sel = Select(d.find_element(By.CSS_SELECTOR, f'#claims [data-filter="{label}"]'))
                sel.select_by_visible_text(value)
                want = sum(1 for c in claims if c[column] == value)
                got = int(d.find_element(By.ID, "claims-count").get_attribute("data-matching"))
                check(got == want, f"filter {label}={value}: {got} rows, table has {want}", failures)
                sel.select_by_index(0)
            hedged = Select(d.find_element(By.CSS_SELECTOR, '#claims [data-filter="hedged"]'))
            hedged.select_by_visible_text("yes")
            want = sum(1 for c in claims if c["hedged"] == "true")
            got = int(d.find_element(By.ID, "claims-count").get_attribute("data-matching"))
            check(got == want, f"hedged filter: {got} rows, table has {want}", failures)
            hedged.select_by_index(0)

            # Every claim of the first page opens its document with its evidence highlighted.
            d.find_element(By.CSS_SELECTOR, '#tabs a[data-tab="claims"]').click()
            rows = d.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr.claims-row")
            check(len(rows) == min(len(claims), 50), f"first page shows {len(rows)} rows", failures)
            for k in range(len(rows)):
                d.find_element(By.CSS_SELECTOR, '#tabs a[data-tab="claims"]').click()
                tr = d.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr.claims-row")[k]
                i = int(tr.get_attribute("data-row"))
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", tr)
                tr.click()
                c = claims[i]
                want = texts[c["doc_id"]][int(c["start"]):int(c["end"])]
                got = focused_text(d)
                check(got == want, f"claim {i}: highlighted {got!r} != text[start:end] {want!r}", failures)
                if k == 0:
                    d.save_screenshot(str(ARTIFACTS / "report.png"))
            if claims:
                # Search by a word of the first claim's evidence.
                word = max(texts[claims[0]["doc_id"]][int(claims[0]["start"]):int(claims[0]["end"])].split(), key=len)
                d.find_element(By.CSS_SELECTOR, '#tabs a[data-tab="claims"]').click()
                box = d.find_element(By.CSS_SELECTOR, '[data-search="claims"]')
                box.send_keys(word)
                time.sleep(0.5)  # the search waits 150 ms after the last key
                got = int(d.find_element(By.ID, "claims-count").get_attribute("data-matching"))
                check(1 <= got <= len(claims), f"search {word!r} matched {got}", failures)
            # Statements and named casualties open their spans the same way.
            for grid, table in [("statements", "statements"), ("named", "named_casualties")]:
                rows_t = read_csv(release, table)
                d.find_element(By.CSS_SELECTOR, f'#tabs a[data-tab="{grid}"]').click()
                count = d.find_element(By.ID, f"{grid}-count")
                check(int(count.get_attribute("data-total")) == len(rows_t), f"{grid}: shows {count.get_attribute('data-total')} of {len(rows_t)} rows", failures)
                trs = d.find_elements(By.CSS_SELECTOR, f"#{grid}-table tbody tr.{grid}-row")
                for k in range(min(len(trs), 10)):
                    d.find_element(By.CSS_SELECTOR, f'#tabs a[data-tab="{grid}"]').click()
                    tr = d.find_elements(By.CSS_SELECTOR, f"#{grid}-table tbody tr.{grid}-row")[k]
                    i = int(tr.get_attribute("data-row"))
                    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", tr)
                    tr.click()
                    r = rows_t[i]
                    want = texts[r["doc_id"]][int(r["start"]):int(r["end"])]
                    got = focused_text(d)
                    check(got == want, f"{table} row {i}: highlighted {got!r} != text[start:end] {want!r}", failures)
            d.find_element(By.CSS_SELECTOR, '#tabs a[data-tab="plots"]').click()
            d.save_screenshot(str(ARTIFACTS / "report-plots.png"))
            errs = console_errors(d)
            check(not errs, f"console errors while using the report: {errs}", failures)
        finally:
            d.quit()
    print(f"screenshots: {ARTIFACTS / 'report.png'}, {ARTIFACTS / 'report-plots.png'}")
    return failures


def test_large(report, n_claims, bound):
    failures = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = Path(report).stat().st_size
    with tempfile.TemporaryDirectory() as profile:
        d = driver(profile)
        try:
            wall, ready = open_report(d, report, bound * 2)
            rows = len(d.find_elements(By.CSS_SELECTOR, "#claims-table tbody tr.claims-row"))
            total = int(d.find_element(By.ID, "claims-count").get_attribute("data-total"))
            errs = console_errors(d)
            # One claim of the last page opens with its evidence highlighted.
            d.execute_script("window.__report.showTab('claims')")
            d.find_element(By.CSS_SELECTOR, "#claims-table tbody tr.claims-row").click()
            focused = focused_text(d)
            # The duplicate groups and rejects of the generated release are listed.
            shown = {}
            for grid in ["duplicates", "rejects", "statements", "named", "documents"]:
                d.execute_script(f"window.__report.showTab('{grid}')")
                shown[grid] = int(d.find_element(By.ID, f"{grid}-count").get_attribute("data-total"))
            errs += console_errors(d)
        finally:
            d.quit()
    line = (f"report of {n_claims} claims ({size / 2**20:.1f} MiB): first page rendered {ready:.2f}s after navigation "
            f"(wall {wall:.2f}s incl. load event); bound {bound:.0f}s")
    print(line)
    (ARTIFACTS / "report-load.txt").write_text(line + "\n")
    check(total == n_claims, f"large report shows {total} claims, not {n_claims}", failures)
    check(rows == 50, f"first page has {rows} rows", failures)
    check(ready <= bound and wall <= bound, f"load took {ready:.2f}s / wall {wall:.2f}s, bound {bound}s", failures)
    check(not errs, f"console errors: {errs}", failures)
    check(focused.startswith("at least "), f"large report: focused span {focused!r}", failures)
    check(all(n > 0 for n in shown.values()), f"large report: rows per tab {shown}", failures)
    return failures


def main():
    mode = sys.argv[1]
    if mode == "release":
        release = Path(sys.argv[2])
        if len(sys.argv) > 3:
            report = Path(sys.argv[3])
        elif (release / "report.html").exists():
            report = release / "report.html"
        else:
            report = release.with_name(release.name + ".report.html")
        failures = test_release(release, report)
    elif mode == "large":
        bound = 15.0
        if "--bound-seconds" in sys.argv:
            bound = float(sys.argv[sys.argv.index("--bound-seconds") + 1])
        failures = test_large(Path(sys.argv[2]), int(sys.argv[3]), bound)
    else:
        sys.exit(__doc__)
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
