from ..loop.conftest import drive, login_as  # noqa: F401  (fixtures)
from ..selfinspection.conftest import acceptor  # noqa: F401  (fixture)
