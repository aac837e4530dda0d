"""Editors search the image and document libraries with the usage filter set."""

import pytest

from academy import roles
from tests.academy.factories import staff
from tests.courses import files

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = staff(roles.EDITOR)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("library", "make"),
    [("/cms/images/results/", files.image), ("/cms/documents/results/", files.document)],
)
def test_a_search_with_the_usage_filter_lists_the_matches(client, editor, library, make):
    item = make()
    item.title = "朋友圈示范图"
    item.save()
    unused = {"q": "朋友圈", "usage_count_min": "0", "usage_count_max": "0"}
    response = client.get(library, unused)
    assert response.status_code == 200
    assert "朋友圈示范图" in response.content.decode()
    used = {**unused, "usage_count_min": "1", "usage_count_max": "1"}
    response = client.get(library, used)
    assert response.status_code == 200
    assert "朋友圈示范图" not in response.content.decode()
