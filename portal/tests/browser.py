"""What a person does in the browser tests, whatever the page: log in through the login page."""

import re

from portal.tests.factories import PASSWORD


def log_in(page, email, next_url="/en/my/", password=PASSWORD):
    """Log in through the login page and wait for `next_url` (the person's own page by default)."""
    page.goto(f"/en/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))
