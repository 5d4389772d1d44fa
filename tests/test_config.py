import pytest

from safety_app import ConfigurationError, create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "FLASK_DEBUG", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"REPORTS_DIR": str(tmp_path), "UPLOAD_DIR": str(tmp_path)})


def test_development_gets_a_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                      "REPORTS_DIR": str(tmp_path), "UPLOAD_DIR": str(tmp_path)})
    assert app.config["SECRET_KEY"]


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("REPORTS_DIR", str(tmp_path / "r"))
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "u"))
    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["REPORTS_DIR"] == str(tmp_path / "r")
    assert app.config["UPLOAD_DIR"] == str(tmp_path / "u")
