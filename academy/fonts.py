"""The CJK font of server-rendered images (Noto Sans CJK from Debian's fonts-noto-cjk).

Falls back to Pillow's built-in font when it is missing, so an image is still
made (with boxes instead of Chinese glyphs) rather than an error.
"""

from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
)
FONT_FILES = {"bold": "NotoSansCJK-Bold.ttc", "regular": "NotoSansCJK-Regular.ttc"}
# Index of the Simplified Chinese face inside Noto's CJK collections.
FONT_INDEX_SC = 2


def cjk_font_path(weight="regular"):
    for folder in FONT_DIRS:
        path = folder / FONT_FILES[weight]
        if path.exists():
            return path
    return None


def cjk_font(weight, size, *, fallback=True):
    """A Pillow font of ``size`` px; Pillow's own font (or None) without the CJK one."""
    from PIL import ImageFont

    path = cjk_font_path(weight)
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size, index=FONT_INDEX_SC)
        except OSError:
            pass
    return ImageFont.load_default(size) if fallback else None
