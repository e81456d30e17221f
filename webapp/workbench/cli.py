"""``halonotes editors``: the accounts that may sign in to the workbench."""

from __future__ import annotations

from pathlib import Path

import click

from index import HalonotesError
from webapp.options import data_option
from webapp.workbench.accounts import AccountError, add_editor
from webapp.workbench.db import connect, database_path


@click.group("editors")
def editors_command() -> None:
    """Manage the workbench's editor accounts (the workbench is off until one exists)."""


@editors_command.command("add")
@click.argument("name")
@data_option("The data folder holding the workbench database.")
@click.pass_context
def add_command(ctx: click.Context, name: str, data_dir: Path) -> None:
    """Create the editor account NAME; the password is asked for twice and stored hashed.

    The password is read from the prompt (or stdin), never from the command line, where
    other users and the shell history would see it.
    """
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        connection = connect(data_dir)
        try:
            add_editor(connection, name, password)
        finally:
            connection.close()
    except (AccountError, HalonotesError) as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(1)
    click.echo(f"Editor {name} added to {database_path(data_dir)}; sign in at /workbench/.")
