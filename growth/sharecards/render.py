"""Share cards as PNG images, drawn with Pillow on the server (no browser needed).

750 × 1200 px — a phone screen's width, so WeChat shows it sharp and it can be
long-pressed and saved. The QR code carries the card's referral link.
"""

import io

import qrcode
from django.utils import translation
from django.utils.translation import gettext as _

from academy.fonts import cjk_font

WIDTH, HEIGHT = 750, 1200
RED, DARK, CREAM, GOLD = (200, 16, 46), (90, 6, 20), (255, 248, 240), (214, 170, 90)


def qr_image(url, size):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().resize((size, size))


def _wrap(draw, text, font, width):
    """Lines of ``text`` no wider than ``width`` (Chinese wraps between any two characters)."""
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    return lines


def _centred(draw, y, text, font, fill):
    width = draw.textlength(text, font=font)
    draw.text(((WIDTH - width) / 2, y), text, font=font, fill=fill)


def render_png(*, name, achievement, url):
    """The card of ``name``'s ``achievement``, as PNG bytes, in Chinese."""
    from PIL import Image, ImageDraw

    with translation.override("zh-hans"):
        academy = _("Shopkeeper Academy")
        prompt = _("Long-press the QR code to learn with me")
        headline = str(achievement.headline)
        subject = str(achievement.subject)
    image = Image.new("RGB", (WIDTH, HEIGHT), CREAM)
    draw = ImageDraw.Draw(image)
    # The academy's mark: a red band with a gold seal and the academy's name.
    draw.rectangle((0, 0, WIDTH, 300), fill=RED)
    draw.ellipse((WIDTH / 2 - 60, 40, WIDTH / 2 + 60, 160), fill=GOLD, outline=CREAM, width=6)
    _centred(draw, 62, "商", cjk_font("bold", 72), DARK)
    _centred(draw, 190, academy, cjk_font("bold", 48), CREAM)
    y = 360
    for line in _wrap(draw, name, cjk_font("bold", 56), WIDTH - 120)[:2]:
        _centred(draw, y, line, cjk_font("bold", 56), DARK)
        y += 76
    _centred(draw, y + 10, headline, cjk_font("regular", 36), (80, 80, 80))
    y += 80
    subject_font = cjk_font("bold", 46)
    for line in _wrap(draw, subject, subject_font, WIDTH - 120)[:3]:
        _centred(draw, y, line, subject_font, RED)
        y += 62
    qr = qr_image(url, 300)
    image.paste(qr, ((WIDTH - 300) // 2, 790))
    _centred(draw, 1110, prompt, cjk_font("regular", 30), (80, 80, 80))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
