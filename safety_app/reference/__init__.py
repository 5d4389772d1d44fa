"""Reference data of the regulations (categories, inspection types), loaded from
the JSON files beside this module. The major-hazard criteria sets are data too
(``data/criteria/*.json``, see ``data/README.md``) but live in the database
once migrated, so the office can load their texts (``safety_app/criteria``).

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


def _index(items):
    return {item.code: item for item in items}


def category(code):
    return _index(categories()).get(code)


def inspection_type(code):
    return _index(inspection_types()).get(code)


def category_codes():
    return [c.code for c in categories()]


def inspection_type_codes():
    return [t.code for t in inspection_types()]


# --- major by judgment (事故隐患排查治理暂行规定, 16号令, Art. 3; regulations §8.2) -------------------
# major_grounds.json: the four grounds on which a hazard is major without a criterion. The codes are
# stable (stored in hazards.major_ground); the labels follow the wording of Art. 3 ("危害和整改难度较大，
# 应当全部或者局部停产停业，并经过一定时间整改治理方能排除的隐患，或者因外部因素影响致使生产经营单位
# 自身难以排除的隐患"), checked 2026-12-02 against the published text of 16号令 Art. 3.

@cache
def major_grounds():
    return tuple(Item(r["code"], r["zh"], r["en"]) for r in _load("major_grounds.json"))


def major_ground(code):
    return _index(major_grounds()).get(code) if code else None
