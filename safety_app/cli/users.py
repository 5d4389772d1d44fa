import sys

import click
from flask.cli import AppGroup

from ..accounts import AccountError, create_user, enterprise_by_code

users_cli = AppGroup("users", help="User accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "inspector", "enterprise"]), required=True)
@click.option("--enterprise-code", help="Credit code of the user's enterprise (role enterprise).")
@click.option("--name", "display_name", default="")
@click.option("--email", default="")
def create(username, role, enterprise_code, display_name, email):
    """Create a user; the password is read from standard input."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    enterprise = None
    if enterprise_code:
        enterprise = enterprise_by_code(enterprise_code.strip().upper())
        if enterprise is None:
            raise click.ClickException(f"no enterprise with credit code {enterprise_code}")
    try:
        user = create_user(username, password, role, enterprise=enterprise, display_name=display_name,
                           email=email)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created user {user.username} ({user.role})")
