"""Spreadsheets for the import tests, built in memory."""
import io

import pytest
from openpyxl import Workbook

from tests.conftest import login, make_credit_code

HEADER = ["企业名称*", "统一社会信用代码*", "地址*", "所在园区片区", "行业", "法定代表人", "安全联系人*",
          "联系电话*", "电子邮箱", "重大危险源等级", "是否在用"]


def row(n, **overrides):
    """A valid row for enterprise number n (credit codes differ from the park's)."""
    values = {
        "name": f"天津测试化工{n}有限公司", "credit_code": make_credit_code(100 + n),
        "address": f"天津市滨海新区大港石化路{n}号", "zone": "石化产业园区", "industry": "精细化工",
        "legal": "王明", "contact": "李强", "phone": f"138{n:08d}", "email": f"safety{n}@example.com",
        "mhi": "二级", "active": "是",
    }
    values.update(overrides)
    return list(values.values())


def csv_bytes(rows, encoding="utf-8-sig", header=HEADER):
    lines = [",".join(str(c) for c in r) for r in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def admin_client(client, park):
    return login(client, park.admin)


def upload(client, data, filename):
    return client.post("/enterprises/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.fixture(autouse=True)
def _current_user_per_request(app):
    """The app fixture keeps one app context open for the whole test, and requests reuse it,
    so Flask-Login's cached ``g._login_user`` would leak from one client (or login) to the
    next. Forget it at the start of every request, as a real server does."""
    from flask import g, request_started

    def forget(sender, **extra):
        g.pop("_login_user", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
