"""Demo content of the online academy: the academy index and its three tiers."""

from academy.models import HomePage
from courses.models import AcademyIndexPage, TierLevel, TierPage

TIERS = [
    (TierLevel.BEGINNER, "beginner", "新手入门", "了解平台、完成第一单、学会在朋友圈分享"),
    (TierLevel.INTERMEDIATE, "intermediate", "中班进阶", "提升销量、经营客户群、学会选品"),
    (TierLevel.ADVANCED, "advanced", "高班提升", "搭建并培训团队、打造个人品牌、精细化运营"),
]


def seed(stdout, options):
    home = HomePage.objects.get()
    index = AcademyIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=AcademyIndexPage(
                title="商学院",
                slug="academy",
                intro="<p>三个阶段，循序渐进：完成一个阶段的必修课，下一个阶段自动解锁。</p>",
            )
        )
    for level, slug, title, tagline in TIERS:
        if not TierPage.objects.filter(level=level).exists():
            index.add_child(instance=TierPage(title=title, slug=slug, level=level, tagline=tagline))
    stdout.write("  academy index and three tiers")
