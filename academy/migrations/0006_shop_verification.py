"""Shop IDs start unverified; shop months belong to a shop ID; imports record their counts;
referrals wait for verification and count once per visitor."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from academy.roles import ADMINISTRATOR, PROGRAM_STAFF, ensure_permissions, grant


def shop_rows_by_shop_id(apps, schema_editor):
    """Key each shop month by its shop ID; every bound ID starts unverified, so
    no account keeps the sales it claimed until staff verify it."""
    ShopMonth = apps.get_model("academy", "ShopMonth")
    ShopkeeperProfile = apps.get_model("academy", "ShopkeeperProfile")
    # One statement (the SET reads the old profile_id); no foreign-key check is queued
    # for NULL, so the ALTERs that follow work on PostgreSQL in the same transaction.
    ShopMonth.objects.update(
        shop_id=Subquery(
            ShopkeeperProfile.objects.filter(pk=OuterRef("profile_id")).values("shop_id")[:1]
        ),
        profile=None,
    )


def grant_verification(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, PROGRAM_STAFF, ["academy.verify_shop_ids"])
    grant(apps, ADMINISTRATOR, ["academy.verify_shop_ids"])


class Migration(migrations.Migration):

    dependencies = [
        ('academy', '0005_plan_replays'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='shopkeeperprofile',
            options={'permissions': [('verify_shop_ids', 'Can verify shop IDs and set shopkeeper levels')], 'verbose_name': 'shopkeeper profile', 'verbose_name_plural': 'shopkeeper profiles'},
        ),
        migrations.AlterModelOptions(
            name='shopmonth',
            options={'ordering': ['shop_id', 'month'], 'permissions': [('view_growth_reports', 'Can see shop results, comparisons and top sharers'), ('import_shop_metrics', 'Can import shop metrics')], 'verbose_name': 'shop month', 'verbose_name_plural': 'shop months'},
        ),
        migrations.RemoveConstraint(
            model_name='shopmonth',
            name='academy_one_row_per_shop_month',
        ),
        migrations.AddField(
            model_name='shopkeeperprofile',
            name='shop_verified',
            field=models.BooleanField(default=False, verbose_name='shop ID verified'),
        ),
        migrations.AddField(
            model_name='shopkeeperprofile',
            name='shop_verified_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='shop ID verified at'),
        ),
        migrations.AddField(
            model_name='shopkeeperprofile',
            name='shop_verified_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='shop ID verified by'),
        ),
        migrations.AddField(
            model_name='shopmonth',
            name='shop_id',
            field=models.CharField(default='', max_length=12, verbose_name='shop ID'),
        ),
        migrations.AlterField(
            model_name='shopkeeperprofile',
            name='shop_id',
            field=models.CharField(db_index=True, max_length=12, validators=[django.core.validators.RegexValidator('^\\d{6,12}$', 'A shop ID is 6 to 12 digits, as shown in the shop app.')], verbose_name='shop ID'),
        ),
        migrations.AlterField(
            model_name='shopmonth',
            name='profile',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='shop_months', to='academy.shopkeeperprofile', verbose_name='shopkeeper'),
        ),
        migrations.RunPython(shop_rows_by_shop_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='shopmonth',
            name='shop_id',
            field=models.CharField(max_length=12, verbose_name='shop ID'),
        ),
        migrations.AddConstraint(
            model_name='shopkeeperprofile',
            constraint=models.UniqueConstraint(condition=models.Q(('shop_verified', True)), fields=('shop_id',), name='academy_one_verified_profile_per_shop'),
        ),
        migrations.AddConstraint(
            model_name='shopkeeperprofile',
            constraint=models.CheckConstraint(condition=models.Q(('shop_verified', False), ('shop_verified_at__isnull', False), _connector='OR'), name='academy_profile_verified_has_date'),
        ),
        migrations.AddConstraint(
            model_name='shopmonth',
            constraint=models.UniqueConstraint(fields=('shop_id', 'month'), name='academy_one_row_per_shop_id_month'),
        ),
        migrations.AddField(
            model_name='shopmetricimport',
            name='created_count',
            field=models.PositiveIntegerField(default=0, verbose_name='rows added'),
        ),
        migrations.AddField(
            model_name='shopmetricimport',
            name='removed_count',
            field=models.PositiveIntegerField(default=0, verbose_name='rows deleted'),
        ),
        migrations.AddField(
            model_name='shopmetricimport',
            name='replace_months',
            field=models.BooleanField(default=False, verbose_name='months replaced'),
        ),
        migrations.AddField(
            model_name='shopmetricimport',
            name='updated_count',
            field=models.PositiveIntegerField(default=0, verbose_name='rows updated'),
        ),
        migrations.AlterField(
            model_name='shopmetricimport',
            name='months',
            field=models.JSONField(default=list, verbose_name='months'),
        ),
        migrations.AddField(
            model_name='referral',
            name='credited_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='credited at'),
        ),
        migrations.AddField(
            model_name='referral',
            name='visitor',
            field=models.CharField(blank=True, max_length=64, verbose_name='visitor'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.UniqueConstraint(condition=models.Q(('visitor', ''), _negated=True), fields=('visitor',), name='academy_one_referral_per_visitor'),
        ),
        migrations.RunPython(grant_verification, migrations.RunPython.noop),
    ]
