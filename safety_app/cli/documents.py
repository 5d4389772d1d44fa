"""``flask documents``: issue a notice, build a monthly report or a quarterly/annual statistics table by hand."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..documents import service, statistics_service
from ..extensions import db
from ..models import Enterprise, Hazard, Inspection, User

documents_group = AppGroup("documents", help="Notices and reports (PDF).")


def _enterprise(code):
    if not code:
        return None
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.credit_code == code.strip().upper()))
    if enterprise is None:
        raise click.ClickException(f"no enterprise with the credit code {code}")
    return enterprise


def _echo(document):
    label = document.number or f"{document.kind} {document.period}"
    click.echo(f"{label}\t{service.file_location(document)}")


def _run(make):
    try:
        _echo(make())
    except service.DocumentError as exc:
        raise click.ClickException(str(exc.message)) from None


def _user(username):
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise click.ClickException(f"no user named {username}")
    return user


@documents_group.command("notice")
@click.option("--inspection", "inspection_id", type=int, help="Notice for the hazards of this inspection.")
@click.option("--hazard", "hazard_id", type=int, help="Notice for this one hazard.")
@click.option("--officer", "officer_names", multiple=True, metavar="USERNAME",
              help="An officer who signs (staff with a certificate number); give at least two.")
@click.option("--by", "issuer_name", metavar="USERNAME",
              help="Who issues it (recorded as the issuer); default: the first officer.")
@click.option("--key", "idempotency_key", help="Idempotency key: a rerun with it prints the same notice.")
def notice(inspection_id, hazard_id, officer_names, issuer_name, idempotency_key):
    """Issue a rectification notice signed by two officers and print its number and file."""
    if (inspection_id is None) == (hazard_id is None):
        raise click.UsageError("give exactly one of --inspection ID or --hazard ID")
    if len(officer_names) < 2:
        raise click.UsageError("give at least two officers: --officer USERNAME --officer USERNAME")
    officers = [_user(name) for name in officer_names]
    issuer = _user(issuer_name) if issuer_name else officers[0]
    if hazard_id is not None:
        hazard = db.session.get(Hazard, hazard_id)
        if hazard is None:
            raise click.ClickException(f"no hazard with id {hazard_id}")
        _run(lambda: service.issue_notice([hazard], issuer, officers=officers, idempotency_key=idempotency_key))
        return
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise click.ClickException(f"no inspection with id {inspection_id}")
    _run(lambda: service.issue_notice(service.hazards_without_notice(inspection), issuer, officers=officers,
                                      inspection=inspection, idempotency_key=idempotency_key))


@documents_group.command("monthly")
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--enterprise", "code", help="Unified social credit code; without it, the whole park.")
@click.option("--key", "idempotency_key", help="Idempotency key: a rerun with it prints the same report.")
def monthly(month, code, idempotency_key):
    """Build the monthly safety report and print its file."""
    enterprise = _enterprise(code)
    _run(lambda: service.build_monthly_report(month, enterprise, idempotency_key=idempotency_key))


def _statistics(kind, period, code, signed_by, idempotency_key):
    enterprise = _enterprise(code)
    _run(lambda: statistics_service.build_statistics(kind, period.strip().upper(), enterprise, actor=None,
                                                     idempotency_key=idempotency_key, signed_by=signed_by or ""))


@documents_group.command("quarterly")
@click.option("--quarter", required=True, help="YYYYQn, e.g. 2026Q3")
@click.option("--enterprise", "code", help="Unified social credit code; without it, the whole park.")
@click.option("--signed-by", help="The enterprise's principal who signs its table (default: legal representative).")
@click.option("--key", "idempotency_key", help="Idempotency key: a rerun with it prints the same table.")
def quarterly(quarter, code, signed_by, idempotency_key):
    """Build the quarterly 隐患排查治理情况统计表 and print its file."""
    _statistics("quarterly", quarter, code, signed_by, idempotency_key)


@documents_group.command("annual")
@click.option("--year", required=True, help="YYYY, e.g. 2026")
@click.option("--enterprise", "code", help="Unified social credit code; without it, the whole park.")
@click.option("--signed-by", help="The enterprise's principal who signs its table (default: legal representative).")
@click.option("--key", "idempotency_key", help="Idempotency key: a rerun with it prints the same table.")
def annual(year, code, signed_by, idempotency_key):
    """Build the annual 隐患排查治理情况统计表 and print its file."""
    _statistics("annual", year, code, signed_by, idempotency_key)


COMMANDS = [documents_group]
