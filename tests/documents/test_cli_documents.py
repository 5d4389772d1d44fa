"""``flask documents notice|monthly|quarterly`` print the number and the file."""
from pathlib import Path

from safety_app.extensions import db
from safety_app.models import Document, Enterprise, Inspection


def _printed_path(output):
    return Path(output.strip().split("\t")[-1])


def _inspection_ready_for_a_notice():
    """An inspection whose hazards without a notice are all due on or after today (the seed day)."""
    from safety_app.clock import today
    from safety_app.documents import service

    return next(i for i in db.session.query(Inspection).order_by(Inspection.id)
                if (pending := service.hazards_without_notice(i)) and all(h.deadline >= today() for h in pending))


def test_notice_for_an_inspection_prints_number_and_path(seeded, runner):
    inspection = _inspection_ready_for_a_notice()
    result = runner.invoke(args=["documents", "notice", "--inspection", str(inspection.id),
                                 "--officer", "inspector", "--officer", "inspector2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("（大港应急）责改〔2026〕第001号\t")
    assert _printed_path(result.output).is_file()
    document = db.session.query(Document).one()
    assert [u.username for u in document.officers] == ["inspector", "inspector2"]
    assert document.created_by.username == "inspector"  # the first officer unless --by names the issuer


def test_notice_needs_two_officers_on_the_command_line(seeded, runner):
    inspection = _inspection_ready_for_a_notice()
    result = runner.invoke(args=["documents", "notice", "--inspection", str(inspection.id), "--officer", "inspector"])
    assert result.exit_code == 2 and "two officers" in result.output
    result = runner.invoke(args=["documents", "notice", "--inspection", str(inspection.id),
                                 "--officer", "inspector", "--officer", "admin"])
    assert result.exit_code == 1 and "未登记执法证号" in result.output  # the demo admin has no certificate number
    assert db.session.query(Document).count() == 0


def test_notice_for_a_hazard_without_a_target_is_a_usage_error(seeded, runner):
    assert runner.invoke(args=["documents", "notice"]).exit_code == 2


def test_notice_for_a_missing_hazard_fails_clearly(seeded, runner):
    result = runner.invoke(args=["documents", "notice", "--hazard", "999999", "--officer", "inspector",
                                 "--officer", "inspector2"])
    assert result.exit_code == 1 and "no hazard" in result.output


def test_monthly_for_one_enterprise_by_credit_code(seeded, runner):
    enterprise = db.session.get(Enterprise, 3)
    result = runner.invoke(args=["documents", "monthly", "--month", "2026-10", "--enterprise", enterprise.credit_code])
    assert result.exit_code == 0, result.output
    document = db.session.query(Document).one()
    assert (document.kind, document.period, document.enterprise_id) == ("monthly", "2026-10", enterprise.id)
    assert _printed_path(result.output).is_file()


def test_quarterly_for_the_park(seeded, runner):
    result = runner.invoke(args=["documents", "quarterly", "--quarter", "2026Q3"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("quarterly 2026Q3\t")


def test_bad_month_is_refused_with_a_message(seeded, runner):
    result = runner.invoke(args=["documents", "monthly", "--month", "2026/10"])
    assert result.exit_code == 1 and "2026-10" in result.output
    assert db.session.query(Document).count() == 0


def test_annual_for_one_enterprise_signed_by_its_principal(seeded, runner, pdf_text):
    enterprise = db.session.get(Enterprise, 3)
    result = runner.invoke(args=["documents", "annual", "--year", "2026", "--enterprise", enterprise.credit_code,
                                 "--signed-by", "李厂长"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("annual 2026\t")
    document = db.session.query(Document).one()
    assert (document.kind, document.enterprise_id) == ("annual", enterprise.id)
    assert "（李厂长）" in pdf_text(_printed_path(result.output))


def test_a_future_year_is_refused_with_a_message(seeded, runner):
    result = runner.invoke(args=["documents", "annual", "--year", "2030"])
    assert result.exit_code == 1 and db.session.query(Document).count() == 0
