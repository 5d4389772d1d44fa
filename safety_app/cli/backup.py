import click
from flask.cli import AppGroup

from ..backup import BackupError, create_backup, restore_backup

backup_cli = AppGroup("backup", help="Backup and restore (database, uploads, documents).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create(path):
    """Write a backup archive (.tar.gz) to PATH."""
    try:
        manifest = create_backup(path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {path}: {manifest['counts']}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Restore even though the database holds data.")
def restore(path, force):
    """Restore a backup archive into the configured database and folders."""
    try:
        manifest = restore_backup(path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored backup of {manifest['created_at']}: {manifest['counts']}")


COMMANDS = [backup_cli]
