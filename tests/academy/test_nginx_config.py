"""The front server's configuration (deploy/nginx/academy.conf.template) is valid nginx
and keeps private uploads private; docs/deployment.md points to it."""

from pathlib import Path

import pytest
from django.conf import settings

from deploy import nginx
from tests.conftest import _missing


@pytest.fixture
def front(tmp_path):
    if not nginx.available():
        _missing(f"{nginx.NGINX} is not installed (apt-get install nginx)")
    return nginx.FrontServer(
        tmp_path / "nginx",
        8999,
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        static_root=tmp_path / "static",
        media_root=tmp_path / "media",
    )


def test_the_rendered_configuration_passes_nginx_t(front):
    front.test_config()  # raises with nginx's own message otherwise
    site = (front.workdir / "academy.conf").read_text()
    assert "${" not in site
    assert "server 127.0.0.1:8001;" in site and "server 127.0.0.1:8002;" in site


def test_the_protected_location_is_internal_and_only_renditions_are_public(front):
    front.write_config()
    site = (front.workdir / "academy.conf").read_text()
    media = f"{front.media_root}/"
    protected = site.split("location /_protected/ {", 1)[1].split("\n    }", 1)[0]
    assert "internal;" in protected
    assert f"alias {media};" in protected
    aliases = [
        line.split()[1].rstrip(";")
        for line in site.splitlines()
        if line.strip().startswith("alias ")
    ]
    public_media = [alias for alias in aliases if alias.startswith(media) and alias != media]
    assert sorted(public_media) == [f"{media}images/", f"{media}media_thumbnails/"]
    assert "location /media/ {\n        return 404;" in site


def test_the_deployment_guide_names_the_one_configuration_file():
    guide = (Path(settings.BASE_DIR) / "docs" / "deployment.md").read_text()
    assert "deploy/nginx/academy.conf.template" in guide
    assert "ACADEMY_FILE_DELIVERY" in guide
