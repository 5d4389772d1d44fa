"""The served app answers in a real browser: the login page on a phone, and admin logs in."""


def test_admin_logs_in_on_the_served_app(sessions):
    admin = sessions("admin-smoke", phone=True)
    admin.goto("/login")
    assert "登录" in admin.page.content()
    admin.shot("login")
    admin.login("admin", reuse=False)
    assert admin.page.locator("header .who").inner_text()
    admin.shot("home")
