"""Small real files (a document, a picture, an audio clip) for lesson bodies in tests."""

import io
import uuid

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model


def document(name="模板.txt", content=None):
    content = content if content is not None else "朋友圈文案模板".encode()
    doc = get_document_model()(title="文案模板")
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def image(title="课时配图"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (200, 16, 46)).save(buffer, format="PNG")
    img = get_image_model()(title=title)
    img.file = ImageFile(io.BytesIO(buffer.getvalue()), name="picture.png")
    img.save()
    return img


def audio(title="导师语音", size=4000):
    media = get_media_model()(title=title, type="audio", duration=10)
    media.file.save("voice.mp3", ContentFile(bytes(range(256)) * (size // 256)), save=False)
    media.save()
    return media


def body_with_files(doc, img, media):
    return [
        {"type": "paragraph", "value": "<p>付费课时的内容</p>", "id": str(uuid.uuid4())},
        {"type": "image", "value": {"image": img.id, "caption": "配图"}, "id": str(uuid.uuid4())},
        {"type": "audio", "value": {"audio": media.id, "title": "语音"}, "id": str(uuid.uuid4())},
        {
            "type": "document",
            "value": {"document": doc.id, "label": "下载模板"},
            "id": str(uuid.uuid4()),
        },
    ]
