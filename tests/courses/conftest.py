import pytest

from tests.courses.factories import academy as build_academy


@pytest.fixture
def academy(home_page):
    return build_academy(home_page)
