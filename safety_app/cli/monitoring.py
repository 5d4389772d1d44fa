"""``flask monitoring simulate``: feed realistic readings for the demo and the benchmark."""
import click
from flask.cli import AppGroup

from ..monitoring import simulate as sim

monitoring_cli = AppGroup("monitoring", help="Live monitoring of major hazard installations.")


@monitoring_cli.command("simulate")
@click.option("--installations", "installations", type=click.IntRange(1, 5000), default=3, show_default=True)
@click.option("--points", type=click.IntRange(1, 200), default=5, show_default=True, help="Points per installation.")
@click.option("--every", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True, help="Seconds between ticks.")
@click.option("--duration", type=click.FloatRange(0, None), default=None, help="Seconds to run (default: until Ctrl-C).")
@click.option("--backfill-hours", type=click.IntRange(0, 720), default=0, show_default=True,
              help="First feed this many hours of history (one reading a minute).")
def simulate_command(installations, points, every, duration, backfill_hours):
    """Feed readings (with occasional excursions and gaps) for N installations × M points every S seconds."""
    try:
        totals = sim.run(installations, points, every, duration, echo=click.echo,
                         backfill_hours=backfill_hours)
    except KeyboardInterrupt:
        click.echo("stopped")
        return
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(" ".join(f"{k}={v}" for k, v in totals.items()))


COMMANDS = [monitoring_cli]
