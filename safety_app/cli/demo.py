import click
from flask.cli import AppGroup

from .. import demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
@click.option("--enterprises", default=20, show_default=True, type=click.IntRange(1, 100000))
@click.option("--hazards", default=400, show_default=True, type=click.IntRange(0, 5000000))
@click.option("--seed", "seed_value", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when the database has data.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Anchor the data on this day.")
def seed(enterprises, hazards, seed_value, if_empty, today):
    """Fill an empty database with a realistic chemical park."""
    if not demo.database_is_empty():
        if if_empty:
            click.echo("database has data; demo seed skipped")
            return
        raise click.ClickException("the database already has data; demo data goes only into an empty database")
    anchor = today.date() if today else None
    demo.seed(enterprises=enterprises, hazards=hazards, seed_value=seed_value, today=anchor,
              echo=click.echo)
