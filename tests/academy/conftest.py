"""Fixtures of the academy app's tests."""

from tests.wechat import fake_wechat  # noqa: F401 - the fake WeChat, for every test here
