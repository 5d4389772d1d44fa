"""``flask reference``: the major-hazard criteria catalogue (import and export the clause texts)."""
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from .. import criteria
from ..clock import today
from ..criteria import importer
from ..registry import ImportFileError

reference_cli = AppGroup("reference", help="Reference data: the major-hazard criteria catalogue.")


def _set_code(code):
    if code:
        return code
    in_force = criteria.set_in_force(today())
    if in_force is None:
        raise click.ClickException("no criteria set is in force today; give --set CODE")
    return in_force.code


@reference_cli.command("import")
@click.argument("kind", type=click.Choice(["criteria"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--set", "set_code", help="Criteria set code (default: the set in force today), e.g. AQ3067-2026.")
def import_command(kind, file, set_code):
    """Load the clause texts of a criteria set from FILE (CSV or XLSX: clause, group, text); all or nothing."""
    set_code = _set_code(set_code)
    with force_locale("zh_CN"):
        try:
            result = importer.import_file(set_code, file.name, file.read_bytes())
        except ImportFileError as error:
            raise click.ClickException(str(error.message)) from None
        if not result.ok:
            for problem in result.problems:
                click.echo(str(problem.message), err=True)
            raise click.ClickException(f"nothing imported: {len(result.problems)} row(s) with problems")
    missing = criteria.missing_texts(set_code)
    click.echo(f"{set_code}: {result.rows} rows read, {result.changed} clauses changed, "
               f"{missing} clauses still without text")


@reference_cli.command("export")
@click.argument("kind", type=click.Choice(["criteria"]))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "set_code", help="Criteria set code (default: the set in force today).")
def export_command(kind, file, set_code):
    """Write the clauses of a criteria set to FILE (.csv or .xlsx) to edit and import again."""
    set_code = _set_code(set_code)
    try:
        _stem, chunks = importer.export(set_code, "csv" if file.suffix.lower() == ".csv" else "xlsx")
    except ImportFileError as error:
        raise click.ClickException(str(error.message)) from None
    tmp = file.with_name(file.name + ".part")
    with open(tmp, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    tmp.replace(file)
    click.echo(f"{set_code}: written to {file}")


@reference_cli.command("seed-criteria")
def seed_command():
    """Add the criteria sets and clauses shipped with the product that the database lacks (never overwrites)."""
    from ..criteria.seed import seed_reference_sets
    from ..extensions import db

    added = seed_reference_sets()
    db.session.commit()
    click.echo(f"{added} clauses added")
