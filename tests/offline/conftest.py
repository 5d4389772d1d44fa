from ..loop.conftest import login_as  # noqa: F401  (fixture)
from ..selfinspection.conftest import acceptor  # noqa: F401  (fixture)
