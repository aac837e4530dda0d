"""StreamField blocks of lessons and quizzes.

One shared body (:class:`LessonBodyBlock`) is reused by every page with lesson
content. Files inside a lesson (images, video, audio, documents) are never
linked by their public storage URL: the block templates point at the
permission-checked views of ``courses.views``, keyed by the lesson.
"""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailmedia import blocks as media_blocks

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


class _WithStream:
    """Loads each media file with its HLS stream in the one query the block makes."""

    def bulk_to_python(self, values):
        objects = self.model_class.objects.select_related("stream").in_bulk(values)
        result, seen = [], set()
        for value in values:
            media = objects.get(value)
            if media is not None and value in seen:
                media = copy.copy(media)  # as Wagtail does: one instance per occurrence
            result.append(media)
            seen.add(value)
        return result


class VideoChooserBlock(_WithStream, media_blocks.VideoChooserBlock):
    pass


class AudioChooserBlock(_WithStream, media_blocks.AudioChooserBlock):
    pass


class LessonImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"
        preview_value = {"caption": "一张清爽的商品图，胜过千言万语"}
        description = _("A picture shown inside the lesson, served only to its learners.")


class VideoBlock(blocks.StructBlock):
    """An uploaded video (served by the academy) or an embed from a video site."""

    video = VideoChooserBlock(label=_("uploaded video"), required=False)
    embed = EmbedBlock(label=_("or a video link"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"caption": "三分钟看懂平台的分享赚佣金"}
        description = _("Watching 90% of an uploaded video completes the lesson.")

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video")) == bool(value.get("embed")):
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(_("Choose an uploaded video or give a video link, not both."))
                ]
            )
        return value


class AudioBlock(blocks.StructBlock):
    audio = AudioChooserBlock(label=_("audio"))
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)

    class Meta:
        icon = "media"
        label = _("Audio")
        template = "courses/blocks/audio.html"
        preview_value = {"title": "导师语音：第一单的心态"}


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("file"))
    label = blocks.CharBlock(label=_("link text"), required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable file")
        template = "courses/blocks/download.html"
        preview_value = {"label": "朋友圈文案模板（可打印）"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[("tip", _("Tip")), ("warning", _("Watch out")), ("key", _("Key point"))],
        default="tip",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=80)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "tip",
            "title": "小贴士",
            "text": "<p>早上七点到九点、中午十二点和晚上八点到十点是朋友圈的浏览高峰。</p>",
        }


class ShareCardBlock(blocks.StructBlock):
    """Example text a shopkeeper copies to WeChat with one tap."""

    title = blocks.CharBlock(label=_("title"), max_length=80)
    text = blocks.TextBlock(label=_("text to copy"))
    image = ImageChooserBlock(label=_("example picture"), required=False)

    class Meta:
        icon = "clipboard-list"
        label = _("Share card")
        template = "courses/blocks/share_card.html"
        preview_value = {
            "title": "早安问候 + 今日好物",
            "text": "早安☀️ 今天给孩子带的早餐是这款全麦吐司，松软不噎人，"
            "一袋8片刚好一周。需要的姐妹私信我。",
        }


class LessonBodyBlock(blocks.StreamBlock):
    """The body of a lesson: text, pictures, video, audio, files, tips and share cards."""

    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="courses/blocks/paragraph.html",
        preview_value="<p>分享的第一步，是让朋友愿意看你的朋友圈。</p>",
    )
    image = LessonImageBlock()
    video = VideoBlock()
    audio = AudioBlock()
    document = DownloadBlock()
    callout = CalloutBlock()
    share_card = ShareCardBlock()

    class Meta:
        block_counts = {}


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=200)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer")


class QuestionKind:
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    CHOICES = [
        (SINGLE, _("Single choice")),
        (MULTIPLE, _("Multiple choice")),
        (TRUE_FALSE, _("True or false")),
    ]


class QuestionBlock(blocks.StructBlock):
    """A quiz question; the block and answer IDs are the IDs the learner's form sends."""

    kind = blocks.ChoiceBlock(
        label=_("kind"), choices=QuestionKind.CHOICES, default=QuestionKind.SINGLE
    )
    text = blocks.TextBlock(label=_("question"))
    choices = blocks.ListBlock(
        ChoiceBlock(),
        label=_("answers"),
        required=False,
        help_text=_("For single and multiple choice. Leave empty for true or false."),
    )
    statement_is_true = blocks.BooleanBlock(
        label=_("the statement is true"),
        required=False,
        help_text=_("For true or false questions only."),
    )
    explanation = blocks.TextBlock(
        label=_("explanation"),
        help_text=_("Shown after submission, whether the answer was right or wrong."),
    )

    class Meta:
        icon = "help"
        label = _("Question")
        template = "courses/blocks/question_preview.html"
        preview_value = {
            "kind": QuestionKind.SINGLE,
            "text": "朋友圈一天发几条比较合适？",
            "choices": [
                {"text": "三到五条，有生活也有商品", "correct": True},
                {"text": "越多越好，刷屏才有人看", "correct": False},
            ],
            "explanation": "刷屏容易被屏蔽；少而精、有生活气息的内容更让人愿意看。",
        }

    def clean(self, value):
        value = super().clean(value)
        kind = value.get("kind")
        if kind == QuestionKind.TRUE_FALSE:
            return value
        choices = list(value.get("choices") or [])
        correct = [c for c in choices if c.get("correct")]
        errors = []
        if len(choices) < 2:
            errors.append(_("Give at least two answers."))
        if kind == QuestionKind.SINGLE and len(correct) != 1:
            errors.append(_("A single-choice question has exactly one correct answer."))
        if kind == QuestionKind.MULTIPLE and not correct:
            errors.append(_("Mark at least one correct answer."))
        if errors:
            raise StructBlockValidationError(non_block_errors=[ValidationError(e) for e in errors])
        return value


class QuizBlock(blocks.StreamBlock):
    question = QuestionBlock()

    class Meta:
        min_num = 1
