"""Evidence PDFs: refuse active content before a file is stored.

A PDF can carry programs that a viewer runs when the file is opened or a page
is shown: JavaScript (``/JS`` in an action, the ``/JavaScript`` name tree, an
``/OpenAction`` of type JavaScript), launch actions that start a program
(``/Launch``), automatic actions on pages, fields and the document (``/AA``),
and XFA forms (which embed scripts). Evidence is a scan or a test report; it
needs none of these, so a file with any of them is refused.

``problem(data)`` parses the file with pypdf and walks every object reachable
from the trailer (compressed object streams included, ``#xx``-escaped names
decoded by the parser), without decoding any content stream. It returns
``None`` for a clean file, else one of ``ACTIVE``, ``ENCRYPTED``, ``UNREADABLE``,
``TOO_COMPLEX``. The walk is bounded (``MAX_OBJECTS``).
"""
import io
import logging

ACTIVE = "active"
ENCRYPTED = "encrypted"
UNREADABLE = "unreadable"
TOO_COMPLEX = "too_complex"

ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})  # values of an action's /S
MAX_OBJECTS = 200_000  # containers visited; a real report has a few thousand


class _Active(Exception):
    pass


class _TooComplex(Exception):
    pass


def problem(data):
    """Why this PDF is refused (``ACTIVE``, ``ENCRYPTED``, ``UNREADABLE``, ``TOO_COMPLEX``), or None."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are answered, not logged
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ENCRYPTED
        _walk(reader.trailer)
    except _Active:
        return ACTIVE
    except _TooComplex:
        return TOO_COMPLEX
    except RecursionError:
        return TOO_COMPLEX
    except Exception:  # noqa: BLE001 - pypdf raises many kinds for damaged or hostile files
        return UNREADABLE
    if "/Root" not in reader.trailer:
        return UNREADABLE
    return None


def _walk(root):
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = set()
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        if isinstance(node, DictionaryObject):  # stream objects too (their dictionary only)
            visited += 1
            action = node.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if ACTIVE_KEYS.intersection(node.keys()) or (isinstance(action, str) and action in ACTIVE_ACTIONS):
                raise _Active
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            visited += 1
            stack.extend(node)
        if visited > MAX_OBJECTS:
            raise _TooComplex
