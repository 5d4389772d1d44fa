"""The one error a document service raises."""


class DocumentError(Exception):
    """A document cannot be made. ``message`` is translatable; ``status`` fits an HTTP answer."""

    status = 422

    def __init__(self, message, status=None):
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status
