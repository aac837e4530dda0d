"""Render certificates as PDF with WeasyPrint (one service for every kind of certificate)."""

import base64
import io

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from courses.models import Certificate


def verification_url(certificate):
    return f"{settings.SITE_URL}{certificate.get_absolute_url()}"


def qr_data_uri(url):
    """A PNG QR code of ``url`` as a data URI, to embed in a page or a PDF."""
    image = qrcode.make(url, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_pdf(certificate):
    """The certificate as PDF bytes, in Chinese (``lang="zh-CN"`` picks Chinese glyphs)."""
    from weasyprint import HTML

    url = verification_url(certificate)
    with translation.override("zh-hans"):
        html = render_to_string(
            "courses/certificate_pdf.html",
            {
                "certificate": certificate,
                "issued_on": timezone.localtime(certificate.issued_at).date(),
                "verification_url": url,
                "qr": qr_data_uri(url),
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def generate_pdf(certificate_id):
    """Render and store a certificate's PDF once; returns the certificate (None if gone)."""
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or certificate.pdf:
        return certificate
    content = render_pdf(certificate)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate_id)
        if locked.pdf:  # another worker finished first
            return locked
        locked.pdf.save("certificate.pdf", ContentFile(content), save=False)
        locked.pdf_generated_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_generated_at"])
    return locked
