"""The store-merge benchmark runs end to end on a tiny store and prints its figures.

This proves the script works; it asserts no speed.
"""

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "store_merge.py"


def test_store_merge_bench_prints_both_codes_and_the_ratio():
    done = subprocess.run(
        [sys.executable, str(BENCH), "--features", "300", "--runs", "1", "--baseline", "HEAD"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("store: 300 features, 6 episodes")
    for label in ("current", "baseline"):
        assert re.search(
            rf"^{label} +merge of one 50-feature episode: median +\d", done.stdout, re.M
        )
    assert re.search(r"^baseline / current: \d+\.\dx$", done.stdout, re.M)
