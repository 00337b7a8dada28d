"""Executes a notebook headless (nbclient, the venv's python3 kernel) against each release given,
and fails on any error. The executed copies go to target/test-artifacts/ for reading.

Usage: python tests/python/run_notebook.py notebooks/explore.ipynb RELEASE_DIR...
"""

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "target" / "test-artifacts"


def main():
    notebook = Path(sys.argv[1])
    releases = [Path(p) for p in sys.argv[2:]] or [Path(os.environ["CASUALTY_CORPUS_RELEASE"])]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for release in releases:
        os.environ["CASUALTY_CORPUS_RELEASE"] = str(release.resolve())
        nb = nbformat.read(notebook, as_version=4)
        started = time.monotonic()
        # Raises CellExecutionError (the cell and its traceback) on the first error.
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
        out = ARTIFACTS / f"{notebook.stem}.{release.name}.ipynb"
        nbformat.write(nb, out)
        print(f"{notebook} ran clean on {release} in {time.monotonic() - started:.1f}s -> {out}")


if __name__ == "__main__":
    main()
