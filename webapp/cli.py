"""The ``halonotes`` command line: one group whose subcommands live beside the code they run.

``crawl`` and ``import`` chain two stages (fetch or read pages into the store, then bring the
index up to date), so they live here, above both, and the crawler never imports the index.
Subcommands load lazily, so ``halonotes serve`` never imports Scrapy and
``halonotes crawl`` never imports Flask.
"""

import importlib
import logging

import click

from crawler.errors import HalonotesError

# name -> "module:attribute" of the click command
COMMANDS = {
    "import": "webapp.import_command:import_command",
    "crawl": "webapp.crawl_command:crawl_command",
    "editors": "webapp.workbench.cli:editors_command",
    "index": "webapp.index_command:index_command",
    "search": "webapp.index_command:search_command",
    "serve": "webapp.serve:serve_command",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is run."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, cmd_name):
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log every step, not just the summary.")
@click.version_option(package_name="halonotes")
def cli(verbose: bool) -> None:
    """Search, feeds and show notes for the features discussed on "By the [run]Book"."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    """Console-script entry point: an error a command did not turn into its own message
    (a setting read before the command starts, say) is still one line and exit code 1."""
    try:
        cli(prog_name="halonotes")
    except HalonotesError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":  # python -m webapp.cli
    main()
