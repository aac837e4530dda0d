"""Reading kept signed-in pages (academy.userpages) in tests."""

KEPT = "X-User-Page-Cache"


def kept(response):
    return response.get(KEPT) == "hit"


def warm(client, url):
    """Open a page until it is served from her kept copy, as on her second visit."""
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        if kept(response):
            return response
    raise AssertionError(f"{url} was never kept")
