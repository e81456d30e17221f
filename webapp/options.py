"""Options several ``halonotes`` commands share, each declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from crawler.store import default_data_dir

DATA_FOLDER = click.Path(file_okay=False, path_type=Path)


def data_option(help: str, *, resolved: bool = True) -> Callable:
    """The ``--data DIR`` option, passed to the command as ``data_dir``.

    With ``resolved``, a command run without it gets ``default_data_dir()`` (the help names
    it); otherwise it gets None and settles the folder itself (``serve`` lets the instance
    config name it).
    """
    if resolved:
        return click.option(
            "--data",
            "data_dir",
            type=DATA_FOLDER,
            default=default_data_dir,
            show_default="data, or $HALONOTES_DATA",
            help=help,
        )
    return click.option("--data", "data_dir", type=DATA_FOLDER, default=None, help=help)
