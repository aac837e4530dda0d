"""What every phone walk checks on a page."""

from playwright.sync_api import Error


def no_horizontal_scroll(page):
    """The page fits a 360 px screen. A click that follows a link may still be
    loading the next page: wait for it, and read again if the old page went
    away while reading."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        except Error:
            if attempt == 2:
                raise
    return False
