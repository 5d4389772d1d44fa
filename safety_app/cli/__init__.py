"""Command-line interface: ``flask demo``, ``flask users``, ``flask audit``, ``flask reference`` and the others."""


def register_cli(app):
    from .audit import audit_cli
    from .demo import demo_cli
    from .reference import reference_cli
    from .users import users_cli

    for group in (demo_cli, users_cli, audit_cli, reference_cli):
        app.cli.add_command(group)
    for name in ("jobs", "documents", "backup", "monitoring"):
        _register_optional(app, name)


def _register_optional(app, name):
    import importlib

    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return
        raise
    for command in module.COMMANDS:
        app.cli.add_command(command)
