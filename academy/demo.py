"""Demo data of the academy: the site, accounts of every role, and shopkeepers.

Everything is keyed by a stable e-mail address or slug, so seeding twice
changes nothing; shopkeepers are bulk-inserted so large datasets take seconds.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, Site

from academy import roles
from academy.models import HomePage, MentorKind, MentorProfile, ShopkeeperProfile, User
from academy.regions import DEMO_CITIES

# Fixed TOTP secret of the demo staff accounts, so `manage.py demo_totp` can
# print their codes. Demo data is refused when DJANGO_DEBUG=0.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - public demo value
DEMO_DOMAIN = "example.com"
BULK_SHOP_ID_BASE = 10_000_000
# The demo shopkeeper's phone and WeChat: `make run`'s fake WeChat (devservers/wechat.py)
# signs its demo user in with this unionid, through this official account.
DEMO_PHONE = "+8613800000001"
DEMO_UNIONID = "demo-union-0001"
DEMO_MP_APP_ID = "wxdemoofficial00"
# Bulk shopkeepers: a verified mobile each, WeChat linked for one in three.
BULK_PHONE_BASE = "+86139"
WECHAT_EVERY = 3
DEFAULT_SHOPKEEPERS = 300

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋"
    "唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "丽娟",
    "秀英",
    "桂英",
    "芳",
    "敏",
    "静",
    "丽",
    "婷",
    "霞",
    "燕",
    "红梅",
    "玲",
    "雪",
    "梅",
    "慧",
    "琳",
    "晓燕",
    "春燕",
    "小红",
    "美玲",
    "海燕",
    "艳",
    "娜",
    "倩",
    "佳怡",
    "雅琪",
    "思雨",
    "欣怡",
    "丹丹",
    "莉莉",
    "晶晶",
    "翠花",
    "淑珍",
    "凤英",
    "玉兰",
    "金凤",
    "冬梅",
]
NICK_STYLES = ["{s}{g}", "{s}{g}", "{s}{g}", "{g}妈妈", "{s}姐好物", "{g}的小店", "{s}{g}优选"]

DEMO_PEOPLE = [
    # e-mail local part, display name, roles, extra
    ("admin", "系统管理员", [roles.ADMINISTRATOR], {"is_superuser": True, "is_staff": True}),
    ("editor", "内容编辑 小周", [roles.EDITOR], {}),
    ("staff", "项目运营 林主管", [roles.PROGRAM_STAFF], {}),
    ("mentor", "王晓红老师", [roles.MENTOR], {}),
    ("shopkeeper", "陈丽娟", [roles.SHOPKEEPER], {}),
]

DEMO_MENTORS = [
    # local part, name, kind, headline, specialities, time zone
    (
        "mentor",
        "王晓红老师",
        MentorKind.STAR,
        "百万团队长，朋友圈运营十年",
        ["moments", "team"],
        "Asia/Shanghai",
    ),
    (
        "mentor.liu",
        "刘芳老师",
        MentorKind.STAR,
        "社群带货专家，单场成交破十万",
        ["community", "sales"],
        "Asia/Shanghai",
    ),
    (
        "mentor.zhao",
        "赵敏老师",
        MentorKind.STAR,
        "选品与爆款打造",
        ["products", "sales"],
        "Asia/Shanghai",
    ),
    (
        "mentor.sun",
        "孙静老师",
        MentorKind.OFFICIAL,
        "目标管理与复盘",
        ["goals", "team"],
        "Asia/Shanghai",
    ),
    (
        "mentor.zhou",
        "周婷老师",
        MentorKind.OFFICIAL,
        "新人培训体系搭建",
        ["training", "team"],
        "Asia/Shanghai",
    ),
    (
        "mentor.wu",
        "吴海燕老师",
        MentorKind.OFFICIAL,
        "团队领袖个人IP打造",
        ["brand"],
        "Europe/Berlin",
    ),
    (
        "mentor.he",
        "何丹丹老师",
        MentorKind.EXPERT,
        "社群运营专家，一对一陪跑",
        ["community", "revenue"],
        "Asia/Shanghai",
    ),
    (
        "mentor.lin",
        "林雪老师",
        MentorKind.EXPERT,
        "运营增收与数据复盘",
        ["revenue", "goals"],
        "America/New_York",
    ),
    (
        "mentor.gao",
        "高玲老师",
        MentorKind.EXPERT,
        "宝妈店主时间管理",
        ["goals", "moments"],
        "Asia/Shanghai",
    ),
]


def demo_email(local):
    return f"{local}@{DEMO_DOMAIN}"


def seed(stdout, options):
    home = seed_site(stdout)
    seed_people(stdout)
    seed_mentors(stdout)
    count = options.get("shopkeepers")
    seed_shopkeepers(stdout, DEFAULT_SHOPKEEPERS if count is None else count)
    return home


def seed_site(stdout):
    """The home page at the root of the default site (replacing Wagtail's welcome page)."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        for child in root.get_children():
            if child.specific_class is Page:  # Wagtail's placeholder "Welcome" page
                child.delete()
        home = root.add_child(
            instance=HomePage(
                title="店主商学院",
                slug="home",
                hero_title="店主商学院：在手机上学会开店、带团队",
                hero_text="<p>从新手入门到高班提升，三个阶段的系统课程；明星导师直播分享；"
                "每月一期的聚星领导者计划，一对一陪跑一个月。</p>",
                live_teaser="<ul><li><b>每周三 20:00</b> 王晓红老师："
                "朋友圈三段式文案，让好物自己说话</li>"
                "<li><b>每周六 20:30</b> 刘芳老师：社群团购从0到1</li></ul>",
                program_teaser="<p><b>聚星领导者计划</b>每月开班一期：十位官方导师线下授课，"
                "结业后社群运营专家一对一辅导一个月。下一期正在报名中。</p>",
            )
        )
        stdout.write("  home page created")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="店主商学院",
        )
    elif site.root_page_id != home.id or site.site_name != "店主商学院":
        site.root_page = home
        site.site_name = "店主商学院"
        site.save()
    return home


def _ensure_user(local, display_name, role_names, extra=None):
    email = demo_email(local)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=settings.ACADEMY_DEMO_PASSWORD,
            display_name=display_name,
            **(extra or {}),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    groups = Group.objects.filter(name__in=role_names)
    user.groups.add(*groups)
    if (
        set(role_names) & roles.STAFF_ROLES
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def seed_people(stdout):
    for local, name, role_names, extra in DEMO_PEOPLE:
        _ensure_user(local, name, role_names, extra)
    shopkeeper = User.objects.get(email=demo_email("shopkeeper"))
    if not hasattr(shopkeeper, "shopkeeper_profile"):
        ShopkeeperProfile.objects.create(
            user=shopkeeper,
            shop_id="88000001",
            shop_verified=True,  # the demo platform knows its shops
            shop_verified_at=timezone.now(),
            level=2,
            province="河南",
            city="周口",
            joined_on=timezone.localdate() - timedelta(days=45),
            completed_at=timezone.now(),
        )
    if not shopkeeper.phone:
        User.objects.filter(pk=shopkeeper.pk).update(phone=DEMO_PHONE, phone_verified=True)
    SocialAccount.objects.get_or_create(
        provider="wechat",
        uid=DEMO_UNIONID,
        defaults={
            "user": shopkeeper,
            "extra_data": {
                "nickname": "演示店主",
                "unionid": DEMO_UNIONID,
                "openids": {DEMO_MP_APP_ID: "o-demo-shopkeeper"},
            },
        },
    )
    stdout.write(f"  demo accounts: {', '.join(demo_email(p[0]) for p in DEMO_PEOPLE)}")


def seed_mentors(stdout):
    for local, name, kind, headline, specialities, zone in DEMO_MENTORS:
        user = _ensure_user(local, name, [roles.MENTOR])
        MentorProfile.objects.get_or_create(
            user=user,
            defaults={
                "kind": kind,
                "headline": headline,
                "bio": f"{headline}。带领团队从零起步，擅长把方法讲清楚、落到每天的动作上。",
                "specialities": specialities,
                "languages": ["zh-hans"] if zone == "Asia/Shanghai" else ["zh-hans", "en"],
                "time_zone": zone,
                "capacity": 12 if kind == MentorKind.EXPERT else 8,
            },
        )
    stdout.write(f"  {len(DEMO_MENTORS)} mentors")


def _generation_chunks(start, stop, size=5000):
    """Ranges in which every shopkeeper's leader (index // 8) is in an earlier range."""
    while start < stop:
        end = min(stop, max(start + 1, min(start * 8, start + size)))
        yield start, end
        start = end


def _person(index):
    rng = random.Random(index)  # noqa: S311 - repeatable demo data, not secrets
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    province = rng.choice(list(DEMO_CITIES))
    return {
        "display_name": rng.choice(NICK_STYLES).format(s=surname, g=given),
        "province": province,
        "city": rng.choice(DEMO_CITIES[province]),
        "level": rng.choices([1, 2, 3, 4, 5], weights=[50, 25, 14, 8, 3])[0],
        "days": rng.randint(1, 3 * 365),
    }


def seed_shopkeepers(stdout, count, *, batch=5000):
    """Create shopkeepers 0..count-1 that do not exist yet, in teams of eight."""
    shop_ids = _existing_bulk_shop_ids()
    missing = [i for i in range(count) if i not in shop_ids]
    if not missing:
        stdout.write(f"  {count} demo shopkeepers already exist")
        _link_demo_shopkeeper(shop_ids)
        return 0
    missing_set = set(missing)
    for start, end in _generation_chunks(0, count, batch):
        indices = [i for i in range(start, end) if i in missing_set]
        if indices:
            _create_shopkeepers(indices, shop_ids, batch)
    _link_demo_shopkeeper(shop_ids)
    stdout.write(f"  {len(missing)} shopkeepers created ({count} in all)")
    return len(missing)


def _existing_bulk_shop_ids():
    """``{index: profile pk}`` of the bulk demo shopkeepers already created."""
    return {
        int(shop_id) - BULK_SHOP_ID_BASE: pk
        for shop_id, pk in ShopkeeperProfile.objects.filter(
            shop_id__gte=str(BULK_SHOP_ID_BASE), shop_id__lt=str(BULK_SHOP_ID_BASE + 10_000_000)
        ).values_list("shop_id", "pk")
        if len(shop_id) == 8
    }


def _create_shopkeepers(indices, shop_ids, batch):
    """Accounts, e-mail addresses, roles and verified profiles of shopkeepers ``indices``.

    Each joins the team of shopkeeper ``i // 8``; ``shop_ids`` learns the new profiles.
    """
    password = make_password(settings.ACADEMY_DEMO_PASSWORD)
    group = Group.objects.get(name=roles.SHOPKEEPER)
    membership = User.groups.through
    today, now = timezone.localdate(), timezone.now()
    people = {i: _person(i) for i in indices}
    users = User.objects.bulk_create(
        [
            User(
                email=f"shop{i:07d}@{DEMO_DOMAIN}",
                phone=f"{BULK_PHONE_BASE}{i:08d}",
                phone_verified=True,
                password=password,
                display_name=people[i]["display_name"],
                date_joined=now - timedelta(days=people[i]["days"]),
            )
            for i in indices
        ],
        batch_size=batch,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=batch,
    )
    membership.objects.bulk_create(
        [membership(user_id=u.pk, group_id=group.pk) for u in users], batch_size=batch
    )
    SocialAccount.objects.bulk_create(
        [
            SocialAccount(
                user=u,
                provider="wechat",
                uid=f"demo-union-shop{i:07d}",
                extra_data={"openids": {DEMO_MP_APP_ID: f"o-demo-shop{i:07d}"}},
            )
            for i, u in zip(indices, users, strict=True)
            if i % WECHAT_EVERY == 0
        ],
        batch_size=batch,
    )
    profiles = ShopkeeperProfile.objects.bulk_create(
        [
            ShopkeeperProfile(
                user=user,
                shop_id=str(BULK_SHOP_ID_BASE + i),
                shop_verified=True,
                shop_verified_at=now,
                level=people[i]["level"],
                province=people[i]["province"],
                city=people[i]["city"],
                team_leader_id=shop_ids.get(i // 8) if i >= 8 else None,
                joined_on=today - timedelta(days=people[i]["days"]),
                completed_at=now,
            )
            for i, user in zip(indices, users, strict=True)
        ],
        batch_size=batch,
    )
    shop_ids.update({i: p.pk for i, p in zip(indices, profiles, strict=True)})


def _link_demo_shopkeeper(shop_ids):
    # The demo shopkeeper belongs to the team of demo shopkeeper no. 1.
    if 1 in shop_ids:
        ShopkeeperProfile.objects.filter(shop_id="88000001", team_leader__isnull=True).update(
            team_leader_id=shop_ids[1]
        )
