import pytest

from tests.courses.factories import academy as build_academy


@pytest.fixture
def academy(home_page):
    return build_academy(home_page)


@pytest.fixture
def live_index(home_page):
    """The live-session index (明星导师直播) under the test home page."""
    from tests.courses.factories import live_index as build_live_index

    return build_live_index(home_page)
