from pathlib import Path

import pytest
from pypdf import PdfReader

from safety_app.documents import build_notice, fonts, register_cjk_font

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def font_names(pdf_path):
    names = set()
    for page in PdfReader(pdf_path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_without_any_cjk_font_falls_back_to_stsong(tmp_path, monkeypatch, fresh_font_cache,
                                                   notice_data, pdf_text):
    monkeypatch.setattr(fonts, "find_cjk_font_file", lambda: None)
    assert register_cjk_font() == "STSong-Light"
    build_notice(notice_data, tmp_path / "n.pdf")
    assert any("STSong-Light" in name for name in font_names(tmp_path / "n.pdf"))
    text = pdf_text(tmp_path / "n.pdf")
    assert "天津渤海湾精细化工有限公司" in text
    assert "2026年12月6日" in text


def test_unusable_configured_path_is_skipped(monkeypatch, fresh_font_cache):
    monkeypatch.setattr(fonts, "find_cjk_font_file", lambda: None)
    assert register_cjk_font("/nonexistent/font.ttf") == "STSong-Light"


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-zenhei not installed")
def test_configured_font_is_embedded(tmp_path, fresh_font_cache, notice_data, pdf_text):
    name = register_cjk_font(str(WQY))
    assert name == "CJK-wqy-zenhei"
    build_notice(notice_data, tmp_path / "n.pdf", font_path=str(WQY))
    assert not any("STSong" in n for n in font_names(tmp_path / "n.pdf"))
    assert "天津渤海湾精细化工有限公司" in pdf_text(tmp_path / "n.pdf")


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-zenhei not installed")
def test_system_font_is_detected(fresh_font_cache):
    assert fonts.find_cjk_font_file() == WQY
    assert register_cjk_font() == "CJK-wqy-zenhei"


def test_document_service_registers_the_font_when_the_app_starts(fresh_font_cache, tmp_path):
    from safety_app import create_app

    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                "REPORTS_DIR": str(tmp_path / "reports"), "UPLOAD_DIR": str(tmp_path / "uploads"),
                "PDF_FONT_PATH": None})
    assert None in fonts._registered
