"""The campaigns share the plans' fixtures: a frozen clock, a driver, logins."""
from ..plans.conftest import at, drive, login_as  # noqa: F401  (fixtures)
