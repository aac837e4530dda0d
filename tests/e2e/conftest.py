"""Fixtures of the browser tests."""

from tests.wechat import fake_wechat  # noqa: F401 - the fake WeChat, for the WeChat walk
