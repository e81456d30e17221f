"""The wheel is complete: installed in a fresh venv, ``halonotes crawl --sample`` works."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


def install_wheel(tmp_path: Path) -> Path:
    """Build the wheel and install it, alone, in a new venv; return the venv's bin folder."""
    dist, venv = tmp_path / "dist", tmp_path / "venv"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT)
    assert built.returncode == 0, built.stderr
    assert run(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    # The dependencies come from this environment's site-packages (a plain path entry: its
    # editable-install hook is not run); halonotes itself only from the wheel.
    packages = Path(run(venv / "bin" / "python", "-c", "import sysconfig; "
                        "print(sysconfig.get_paths()['purelib'])").stdout.strip())  # fmt: skip
    (packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    (wheel,) = dist.glob("halonotes-*.whl")
    installed = run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python",
                    "install", "-q", "--no-deps", "--no-index", wheel)  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    return venv / "bin"


def test_an_installed_wheel_crawls_its_bundled_sample_site(tmp_path):
    bin_dir = install_wheel(tmp_path)
    where = run(bin_dir / "python", "-c", "import crawler; print(crawler.__file__)", cwd=tmp_path)
    assert where.stdout.startswith(str(tmp_path / "venv")), where.stdout + where.stderr
    crawled = run(bin_dir / "halonotes", "crawl", "--sample", "--data", "data", cwd=tmp_path)
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    assert " 5 new, " in crawled.stdout and " 0 failed;" in crawled.stdout
    episodes = (tmp_path / "data" / "episodes.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["episode"] for line in episodes) == [51, 52, 53, 54, 55]
