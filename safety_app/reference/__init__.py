"""Reference data of the regulations (categories, the 20 major-hazard criteria,
inspection types), loaded from the JSON files beside this module.

Labels come in Chinese and English; ``label()`` picks the current UI language.
"""
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Item:
    code: str
    zh: str
    en: str

    def label(self, locale=None):
        locale = locale or _current_locale()
        return self.en if locale.startswith("en") else self.zh


def _current_locale():
    try:
        from flask_babel import get_locale

        loc = get_locale()
        return str(loc) if loc else "zh_CN"
    except Exception:  # outside a request: documents and jobs speak Chinese
        return "zh_CN"


@cache
def _load(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@cache
def categories():
    return tuple(Item(r["code"], r["zh"], r["en"]) for r in _load("categories.json"))


@cache
def inspection_types():
    return tuple(Item(r["code"], r["zh"], r["en"]) for r in _load("inspection_types.json"))


@cache
def criteria():
    """The 20 criteria of 安监总管三〔2017〕121号; code is the number as a string."""
    return tuple(Item(str(r["number"]), r["zh"], r["en"]) for r in _load("major_hazard_criteria.json"))


def _index(items):
    return {item.code: item for item in items}


def category(code):
    return _index(categories()).get(code)


def inspection_type(code):
    return _index(inspection_types()).get(code)


def criterion(number):
    return _index(criteria()).get(str(number)) if number is not None else None


def category_codes():
    return [c.code for c in categories()]


def inspection_type_codes():
    return [t.code for t in inspection_types()]
