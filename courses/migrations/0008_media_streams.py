"""The HLS version of each uploaded video and audio.

Media uploaded before this migration get a waiting row: the periodic sweep
(courses.tasks.sweep_media_streams) converts them after the deployment.
"""

import django.db.models.deletion
import django.utils.timezone
import wagtail.fields
from django.db import migrations, models


def queue_existing_media(apps, schema_editor):
    Media = apps.get_model("wagtailmedia", "Media")
    MediaStream = apps.get_model("courses", "MediaStream")
    MediaStream.objects.bulk_create(
        [MediaStream(media_id=pk, source_name=name) for pk, name in Media.objects.values_list("pk", "file")],
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0007_chinese_admin_names'),
        ('wagtailmedia', '0005_alter_media_options'),
    ]

    operations = [
        migrations.AlterField(
            model_name='lessonpage',
            name='body',
            field=wagtail.fields.StreamField([('paragraph', 0), ('image', 3), ('video', 6), ('audio', 9), ('document', 12), ('callout', 16), ('share_card', 20)], block_lookup={0: ('wagtail.blocks.RichTextBlock', (), {'features': ['h2', 'h3', 'bold', 'italic', 'ol', 'ul', 'link', 'hr'], 'icon': 'pilcrow', 'label': 'Text', 'preview_value': '<p>分享的第一步，是让朋友愿意看你的朋友圈。</p>', 'template': 'courses/blocks/paragraph.html'}), 1: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': 'image'}), 2: ('wagtail.blocks.CharBlock', (), {'label': 'caption', 'max_length': 200, 'required': False}), 3: ('wagtail.blocks.StructBlock', [[('image', 1), ('caption', 2)]], {}), 4: ('courses.blocks.VideoChooserBlock', (), {'label': 'uploaded video', 'required': False}), 5: ('wagtail.embeds.blocks.EmbedBlock', (), {'label': 'or a video link', 'required': False}), 6: ('wagtail.blocks.StructBlock', [[('video', 4), ('embed', 5), ('caption', 2)]], {}), 7: ('courses.blocks.AudioChooserBlock', (), {'label': 'audio'}), 8: ('wagtail.blocks.CharBlock', (), {'label': 'title', 'max_length': 120, 'required': False}), 9: ('wagtail.blocks.StructBlock', [[('audio', 7), ('title', 8)]], {}), 10: ('wagtail.documents.blocks.DocumentChooserBlock', (), {'label': 'file'}), 11: ('wagtail.blocks.CharBlock', (), {'label': 'link text', 'max_length': 120, 'required': False}), 12: ('wagtail.blocks.StructBlock', [[('document', 10), ('label', 11)]], {}), 13: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('tip', 'Tip'), ('warning', 'Watch out'), ('key', 'Key point')], 'label': 'kind'}), 14: ('wagtail.blocks.CharBlock', (), {'label': 'title', 'max_length': 80, 'required': False}), 15: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ul'], 'label': 'text'}), 16: ('wagtail.blocks.StructBlock', [[('kind', 13), ('title', 14), ('text', 15)]], {}), 17: ('wagtail.blocks.CharBlock', (), {'label': 'title', 'max_length': 80}), 18: ('wagtail.blocks.TextBlock', (), {'label': 'text to copy'}), 19: ('wagtail.images.blocks.ImageChooserBlock', (), {'label': 'example picture', 'required': False}), 20: ('wagtail.blocks.StructBlock', [[('title', 17), ('text', 18), ('image', 19)]], {})}, verbose_name='body'),
        ),
        migrations.CreateModel(
            name='MediaStream',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('processing', 'Converting'), ('ready', 'Ready'), ('failed', 'Failed')], default='pending', max_length=12, verbose_name='status')),
                ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)')),
                ('failure', models.CharField(blank=True, choices=[('not_media', 'This file is not a video or audio file we can read.'), ('no_streams', 'This file has neither picture nor sound.'), ('source_missing', 'The uploaded file was not found in storage.'), ('tools_missing', 'The video tools (ffmpeg) are not installed on the server.'), ('conversion', 'Converting this file failed.'), ('timeout', 'Converting took too long and was stopped.'), ('gave_up', 'Converting was interrupted several times; it was not tried again.')], max_length=20, verbose_name='reason of failure')),
                ('failure_detail', models.TextField(blank=True, help_text='What the video tools said.', verbose_name='technical detail')),
                ('source_name', models.CharField(blank=True, max_length=255, verbose_name='source file')),
                ('fingerprint', models.CharField(blank=True, max_length=64, verbose_name='fingerprint of the source')),
                ('folder', models.CharField(blank=True, max_length=255, verbose_name='storage folder')),
                ('duration', models.FloatField(blank=True, null=True, verbose_name='duration (seconds)')),
                ('poster', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='poster')),
                ('renditions', models.JSONField(blank=True, default=list, help_text='name, height and bandwidth', verbose_name='renditions')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('queued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='queued at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='last sign of life')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('media', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='stream', to='wagtailmedia.media', verbose_name='media file')),
            ],
            options={
                'verbose_name': 'video conversion',
                'verbose_name_plural': 'video conversions',
                'indexes': [models.Index(fields=['status', 'heartbeat_at'], name='courses_stream_due')],
                'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='courses_stream_progress_max_100'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'ready'), _negated=True), models.Q(('folder', ''), _negated=True), _connector='OR'), name='courses_stream_ready_has_folder')],
            },
        ),
        migrations.RunPython(queue_existing_media, migrations.RunPython.noop),
    ]
