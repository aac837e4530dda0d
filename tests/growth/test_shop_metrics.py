"""Shop metrics: the CSV import, who sees sales, and the comparisons for staff."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from academy import roles
from growth.metrics import selectors
from growth.metrics.importer import ImportRefused, import_bytes
from growth.models import ShopMetricImport, ShopMonth
from tests.academy.factories import staff
from tests.courses import factories as courses
from tests.forms import form_fields, rendered_form, submit
from tests.growth.builders import profile
from tests.mentorship.factories import AssignmentFactory, open_mentor

pytestmark = pytest.mark.django_db

HEADER = "shop_id,month,gmv,orders,new_recruits,team_size\n"


@pytest.fixture
def shops():
    return [profile(shop_id=f"5100000{i}") for i in range(3)]


def test_a_good_file_is_imported_and_reimporting_it_changes_nothing(shops):
    text = HEADER + "51000000,2026-01,1200.50,30,2,10\n51000001,2026-01,800,12,0,3\n"
    result = import_bytes(text.encode(), filename="jan.csv")
    assert (result.rows, result.months, result.created, result.updated) == (2, ["2026-01"], 2, 0)
    row = ShopMonth.objects.get(profile=shops[0])
    assert (row.month, row.gmv, row.orders) == (date(2026, 1, 1), Decimal("1200.50"), 30)
    again = import_bytes(text.encode(), filename="jan.csv")
    assert (again.created, again.updated) == (0, 2)
    assert ShopMonth.objects.count() == 2


def test_a_file_with_one_shop_keeps_the_other_shops_month(shops, tmp_path, capsys):
    both = HEADER + "51000000,2026-12,100,1,0,1\n51000001,2026-12,200,2,0,1\n"
    import_bytes(both.encode(), filename="dec.csv")
    one = tmp_path / "dec-fix.csv"
    one.write_text(HEADER + "51000000,2026-12,150,3,0,1\n51000002,2026-12,90,1,0,1\n")
    call_command("import_shop_metrics", str(one))
    assert capsys.readouterr().out.strip() == (
        "已导入 2026-12：新增 1 行，更新 1 行，涉及 2 个店铺（utf-8）。其他店铺的数据保持不变。"
    )
    gmv = dict(ShopMonth.objects.values_list("shop_id", "gmv"))
    assert gmv == {"51000000": Decimal("150.00"), "51000001": Decimal("200.00"), "51000002": 90}


def test_a_bad_file_reports_each_line_and_imports_nothing(shops):
    import_bytes((HEADER + "51000000,2026-01,1,1,1,1\n").encode(), filename="ok.csv")
    text = (
        HEADER
        + "51000000,2026-01,100,1,0,1\n"
        + "99999999,2026-01,100,1,0,1\n"  # unknown shop
        + "51000001,2026-13,100,1,0,1\n"  # bad month
        + "51000001,2026-01,-5,1,0,1\n"  # negative
        + "51000002,2026-01,100,abc,0,1\n"  # not a number
        + "51000000,2026-01,100,1,0,1\n"  # duplicate of line 2
    )
    with pytest.raises(ImportRefused) as refused:
        import_bytes(text.encode(), filename="bad.csv")
    lines = [line for line, _message in refused.value.errors]
    assert lines == [3, 4, 5, 6, 7]
    assert ShopMonth.objects.get().gmv == Decimal("1.00")  # the earlier import is untouched
    assert ShopMetricImport.objects.count() == 1


def test_wrong_headers_are_refused(shops):
    with pytest.raises(ImportRefused) as refused:
        import_bytes(b"shop,month,sales\n51000000,2026-01,1\n", filename="x.csv")
    assert refused.value.errors[0][0] == 1
    assert not ShopMonth.objects.exists()


def test_gbk_from_excel_with_chinese_headers_is_read(shops):
    text = "店铺ID,月份,销售额,订单数,新增招募,团队人数\r\n51000000,2026/02,300,3,1,4\r\n"
    result = import_bytes(text.encode("gbk"), filename="excel.csv")
    assert result.encoding == "gbk" and ShopMonth.objects.get().orders == 3
    bom = ("\ufeff" + HEADER + "51000001,2026-02,5,1,0,1\n").encode("utf-8")
    assert import_bytes(bom, filename="bom.csv").encoding == "utf-8-sig"


def test_a_file_in_no_known_encoding_is_refused(shops):
    with pytest.raises(ImportRefused):
        import_bytes(b"\xff\xfe\x00s\x00h\x00o\x00p", filename="utf16.csv")
    assert not ShopMonth.objects.exists()


def test_a_chinese_excel_export_is_read_as_staff_wrote_it(shops):
    text = (
        "店铺ID,月份,销售额,订单数,新增招募,团队人数,,\r\n"
        '51000000,2026年11月,"￥1,234.50",12.0,1,3,,\r\n'
        "51000001,2026/11,￥2，000,3,0,1\r\n"  # Excel leaves out the empty cells at the end
        '51000002,2026-11,"1,000,000",5.0,0,2,,\r\n'
        ",,,,,,,\r\n"
    )
    result = import_bytes(text.encode("gbk"), filename="十一月.csv")
    assert (result.encoding, result.months, result.rows) == ("gbk", ["2026-11"], 3)
    # Excel's "CSV UTF-8" has a byte-order mark, and may write the half-width yen sign.
    utf8 = "店铺ID,月份,销售额,订单数,新增招募,团队人数\r\n51000000,2026年11月,¥1234.5,12,1,3\r\n"
    assert import_bytes(("\ufeff" + utf8).encode(), filename="bom.csv").updated == 1
    rows = {r.shop_id: (r.month, r.gmv, r.orders) for r in ShopMonth.objects.all()}
    assert rows == {
        "51000000": (date(2026, 11, 1), Decimal("1234.50"), 12),
        "51000001": (date(2026, 11, 1), Decimal("2000.00"), 3),
        "51000002": (date(2026, 11, 1), Decimal("1000000.00"), 5),
    }


def test_errors_name_the_line_and_the_chinese_column_and_change_nothing(shops, tmp_path, capsys):
    import_bytes((HEADER + "51000000,2026-11,100,1,0,1\n").encode(), filename="ok.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "店铺ID,月份,销售额,订单数,新增招募,团队人数\n"
        "51000000,2026年11月,120,1,0,1\n"
        "51000001,2026年11月,abc,2.5,0,1\n"
        "51000002,十一月,1,1,0,1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_shop_metrics", str(bad))
    assert capsys.readouterr().err.splitlines() == [
        "第3行「销售额」：应为不小于 0 的金额（元），而不是“abc”",
        "第3行「订单数」：应为不小于 0 的整数，而不是“2.5”",
        "第4行「月份」：应为年月，如 2026-11 或 2026年11月，而不是“十一月”",
    ]
    assert list(ShopMonth.objects.values_list("shop_id", "gmv")) == [("51000000", 100)]


@pytest.fixture
def december(shops):
    """December figures of three shops, as a full month's file brought them."""
    text = "".join(f"5100000{i},2026-12,{100 * (i + 1)},1,0,1\n" for i in range(3))
    import_bytes((HEADER + text).encode(), filename="dec.csv")


def test_the_command_replaces_months_only_when_asked_and_confirmed(
    december, tmp_path, capsys, monkeypatch
):
    fix = tmp_path / "fix.csv"
    fix.write_text(HEADER + "51000000,2026-12,111,1,0,1\n")
    answers = iter(["no", "yes"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    preview = "替换 2026-12 将删除文件中没有的 2 个店铺的 2 行数据，然后导入 1 个店铺的 1 行数据。"
    with pytest.raises(CommandError):
        call_command("import_shop_metrics", str(fix), "--replace-months")
    assert capsys.readouterr().out.strip() == preview
    assert ShopMonth.objects.count() == 3  # refused: nothing deleted, nothing imported
    assert ShopMonth.objects.get(shop_id="51000000").gmv == 100
    call_command("import_shop_metrics", str(fix), "--replace-months")
    out = capsys.readouterr().out
    assert preview in out and "已删除文件中没有的 2 行数据。" in out
    assert list(ShopMonth.objects.values_list("shop_id", "gmv")) == [("51000000", 111)]


def _upload(text, name="m.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_the_admin_import_page_imports_for_staff_only(client, shops):
    client.force_login(staff(roles.EDITOR))
    assert client.get(reverse("shop_metrics_import")).status_code in (302, 403)
    client.force_login(staff(roles.PROGRAM_STAFF))
    response = submit(
        client,
        reverse("shop_metrics_import"),
        {"file": _upload(HEADER + "51000000,2026-05,10,1,0,1\n")},
        form="#import-form",
        follow=True,
    )
    assert ShopMonth.objects.count() == 1
    assert (
        "已导入 2026-05：新增 1 行，更新 0 行，涉及 1 个店铺（utf-8）。"
        in response.content.decode()
    )
    response = submit(
        client,
        reverse("shop_metrics_import"),
        {"file": _upload(HEADER + "1,2026-05,10,1,0,1\n")},
        form="#import-form",
    )
    assert "第2行「shop_id」：应为 6 到 12 位数字的店铺ID，而不是“1”" in response.content.decode()
    assert ShopMonth.objects.count() == 1


def test_replacing_months_in_the_admin_is_previewed_and_confirmed(client, december):
    client.force_login(staff(roles.PROGRAM_STAFF))
    fix = HEADER + "51000000,2026-12,111,1,0,1\n"
    preview = submit(
        client,
        reverse("shop_metrics_import"),
        {"file": _upload(fix), "replace_months": True},
        form="#import-form",
    )
    page = preview.content.decode()
    assert (
        "替换 2026-12 将删除文件中没有的 2 个店铺的 2 行数据，然后导入 1 个店铺的 1 行数据。"
        in page
    )
    assert ShopMonth.objects.count() == 3  # nothing deleted before the confirmation
    assert ShopMonth.objects.get(shop_id="51000000").gmv == 100
    done = client.post(
        reverse("shop_metrics_import"),
        dict(form_fields(rendered_form(page, "#confirm-replace"))),
        follow=True,
    )
    assert "已删除文件中没有的 2 行数据。" in done.content.decode()
    assert list(ShopMonth.objects.values_list("shop_id", "gmv")) == [("51000000", 111)]


def test_a_preview_that_no_longer_holds_deletes_nothing(client, december, shops):
    client.force_login(staff(roles.PROGRAM_STAFF))
    preview = submit(
        client,
        reverse("shop_metrics_import"),
        {"file": _upload(HEADER + "51000000,2026-12,111,1,0,1\n"), "replace_months": True},
        form="#import-form",
    ).content.decode()
    ShopMonth.objects.filter(shop_id="51000002").delete()  # another import changed the month
    again = client.post(
        reverse("shop_metrics_import"),
        dict(form_fields(rendered_form(preview, "#confirm-replace"))),
    ).content.decode()
    assert "预览之后数据有变化，尚未删除任何数据" in again
    assert "将删除文件中没有的 1 个店铺的 1 行数据" in again
    assert sorted(ShopMonth.objects.values_list("shop_id", "gmv")) == [
        ("51000000", 100),
        ("51000001", 200),
    ]


def _months(shop, start, values):
    for i, gmv in enumerate(values):
        ShopMonth.objects.create(
            profile=shop,
            month=selectors.add_months(start, i),
            gmv=gmv,
            orders=gmv // 10,
            new_recruits=0,
            team_size=1,
        )


def test_sales_are_seen_by_herself_her_mentor_during_the_mentorship_and_staff(client, shops):
    owner = shops[0]
    _months(owner, date(2026, 1, 1), [1000, 2000])
    url = reverse("metrics:shopkeeper", args=[owner.user.pk])
    mentor = open_mentor()
    leader_view = profile()
    owner.team_leader = leader_view
    owner.save()
    today = timezone.localdate()
    assignment = AssignmentFactory(
        mentor=mentor.user, mentee=owner.user, starts_on=today, ends_on=today + timedelta(days=30)
    )
    expected = {
        owner.user: 200,
        mentor.user: 200,
        staff(roles.PROGRAM_STAFF): 200,
        leader_view.user: 404,  # her team leader never sees sales
        open_mentor().user: 404,
        staff(roles.EDITOR): 404,
        shops[1].user: 404,
    }
    for viewer, status in expected.items():
        client.force_login(viewer)
        assert client.get(url).status_code == status, viewer
    assignment.ends_on = today - timedelta(days=1)
    assignment.starts_on = today - timedelta(days=30)
    assignment.save()
    client.force_login(mentor.user)
    assert client.get(url).status_code == 404  # the mentorship is over


def test_her_chart_sits_beside_a_table_and_her_milestones(client, home_page, shops):
    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "c", lessons=1, title="选品入门")
    owner = shops[0]
    courses.complete(owner.user, course)
    this_month = selectors.month_of(timezone.localdate())
    _months(owner, selectors.add_months(this_month, -2), [1000, 2000, 3000])
    client.force_login(owner.user)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert "<svg" in page and page.count("<rect") == 3
    assert "<circle" in page  # the course completed this month
    assert "选品入门" in page and "3000" in page
    assert "<script" not in page.split("<main", 1)[1]
    csv = client.get(reverse("metrics:mine") + "?format=csv").getvalue().decode("utf-8-sig")
    assert csv.splitlines()[-1].startswith(selectors.add_months(this_month, -2).strftime("%Y-%m"))


def test_cohort_before_after_on_a_small_known_dataset():
    cohort = date(2026, 4, 1)
    members = [profile(level=3, province="河南") for _ in range(3)]
    peers = [profile(level=3, province="河南") for _ in range(2)]
    elsewhere = profile(level=3, province="广东")
    # Members: before Jan–Mar, after May–Jul (April itself is the cohort's month).
    for shop, before, after in zip(members, [100, 200, 300], [400, 500, 900], strict=True):
        _months(shop, date(2026, 1, 1), [before] * 3 + [9999] + [after] * 3)
    for shop, before, after in zip(peers, [100, 300], [150, 350], strict=True):
        _months(shop, date(2026, 1, 1), [before] * 3 + [9999] + [after] * 3)
    _months(elsewhere, date(2026, 1, 1), [5000] * 7)
    result = selectors.cohort_before_after([p.user_id for p in members], cohort)
    assert result.member_count == 3 and result.comparison_count == 2
    assert result.members.before.medians["gmv"] == 200
    assert result.members.after.medians["gmv"] == 500
    assert result.members.change("gmv") == 300
    assert result.comparison.before.medians["gmv"] == 200
    assert result.comparison.after.medians["gmv"] == 250


def test_course_comparison_for_staff_says_it_is_not_proof(client, home_page, shops):
    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "c", lessons=1, title="社群运营")
    courses.complete(shops[0].user, course)
    last = selectors.add_months(selectors.month_of(timezone.localdate()), -1)
    _months(shops[0], selectors.add_months(last, -2), [300, 300, 300])
    _months(shops[1], selectors.add_months(last, -2), [100, 100, 100])
    _months(shops[2], selectors.add_months(last, -2), [200, 200, 200])
    rows, _first, _last = selectors.course_comparisons([course])
    assert (rows[0].completers, rows[0].completer_medians["gmv"]) == (1, 300)
    assert (rows[0].others, rows[0].other_medians["gmv"]) == (2, 150)
    client.force_login(staff(roles.PROGRAM_STAFF))
    page = client.get(reverse("metrics:courses")).content.decode()
    assert "社群运营" in page and ("不能证明" in page or "not proof of cause" in page)
    client.force_login(shops[0].user)
    assert client.get(reverse("metrics:courses")).status_code == 403


def test_the_cohort_table_renders_both_groups_and_the_caveat(rf):
    from django.template.loader import render_to_string

    cohort = date(2026, 4, 1)
    member = profile(level=2, province="河南")
    peer = profile(level=2, province="河南")
    _months(member, date(2026, 1, 1), [100, 100, 100, 0, 300, 300, 300])
    _months(peer, date(2026, 1, 1), [100, 100, 100, 0, 120, 120, 120])
    html = render_to_string(
        "growth/metrics/cohort_before_after.html",
        {"comparison": selectors.cohort_before_after([member.user_id], cohort)},
    )
    assert "300" in html and "120" in html
    assert "不能证明因果" in html or "not proof of cause" in html
