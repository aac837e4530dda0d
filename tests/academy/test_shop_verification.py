"""A shop ID typed at sign-up is a claim: its sales show only once staff verify it."""

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from academy import roles
from academy.models import ShopkeeperProfile, User
from growth.metrics import selectors
from growth.metrics.importer import import_bytes
from tests.academy.factories import mentor, shopkeeper, staff
from tests.forms import form_fields, rendered_form, submit
from tests.mentorship.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

SHOP = "51234567"
STRONG = "Kd83-lanzhou-spring"
NOTE = "店铺编号待核实"
PROFILE_FORM = ".card--narrow form"


def import_sales(shop_id=SHOP, gmv=8765):
    month = selectors.add_months(selectors.month_of(timezone.localdate()), -1)
    text = f"店铺ID,月份,销售额,订单数,新增招募,团队人数\n{shop_id},{month:%Y-%m},{gmv},12,1,3\n"
    import_bytes(text.encode(), filename="month.csv")


def sign_up(client, email, shop_id=SHOP):
    client.logout()
    return submit(
        client,
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "李春燕",
            "shop_id": shop_id,
            "password1": STRONG,
            "password2": STRONG,
        },
    )


def shows_sales(page):
    return "8765" in page or "8,765" in page


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_signup_answers_the_same_whether_the_shop_id_is_claimed(client, home_page):
    shopkeeper(shop_id=SHOP)  # the verified owner
    claimed = sign_up(client, "first@example.com", SHOP)
    free = sign_up(client, "second@example.com", "51234568")
    assert claimed.status_code == free.status_code == 302
    assert claimed["Location"] == free["Location"] == reverse("account_email_verification_sent")
    newcomer = ShopkeeperProfile.objects.get(user__email="first@example.com")
    assert newcomer.shop_id == SHOP and not newcomer.shop_verified
    assert ShopkeeperProfile.objects.filter(shop_id=SHOP).count() == 2


def test_whoever_claims_a_shop_id_first_sees_none_of_its_sales(client, home_page):
    attacker = shopkeeper(shop_id=SHOP, shop_verified=False)
    import_sales()
    client.force_login(attacker)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert NOTE in page and not shows_sales(page)
    download = client.get(reverse("metrics:mine") + "?format=csv")
    assert download["Content-Type"].startswith("text/html")
    assert not shows_sales(download.content.decode())
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert NOTE in dashboard and not shows_sales(dashboard)
    # Her mentor and program staff see the note, not the sales, either.
    guide = mentor()
    today = timezone.localdate()
    AssignmentFactory(mentor=guide, mentee=attacker, starts_on=today, ends_on=today)
    for viewer in (guide, staff(roles.PROGRAM_STAFF)):
        client.force_login(viewer)
        page = client.get(reverse("metrics:shopkeeper", args=[attacker.pk])).content.decode()
        assert "尚未核实" in page and not shows_sales(page)


def test_staff_verify_the_owner_and_only_she_sees_her_shops_sales(client, home_page):
    attacker = shopkeeper(shop_id=SHOP, shop_verified=False)
    import_sales()
    assert sign_up(client, "owner@example.com").status_code == 302  # she can still claim it
    owner = User.objects.get(email="owner@example.com")
    owner_profile = owner.shopkeeper_profile
    officer = staff(roles.PROGRAM_STAFF)
    client.force_login(officer)
    listing = reverse("academy_shop_ids") + f"?q={SHOP}"
    page = client.get(listing).content.decode()
    claimant_forms = {f'id="decide-{p.pk}"' for p in (owner_profile, attacker.shopkeeper_profile)}
    assert all(form in page for form in claimant_forms)
    response = submit(
        client,
        listing,
        {f"p{owner_profile.pk}-level": "3"},
        form=f"#decide-{owner_profile.pk}",
        button="action=verify",
        follow=True,
    )
    assert f"已为 {owner} 核实店铺编号 {SHOP}。" in texts(response)
    owner_profile.refresh_from_db()
    assert owner_profile.shop_verified and owner_profile.shop_verified_by == officer
    assert owner_profile.shop_verified_at is not None and owner_profile.level == 3
    # The second claimant cannot be verified for the same shop.
    response = submit(
        client,
        reverse("academy_shop_ids") + f"?q={SHOP}",
        form=f"#decide-{attacker.shopkeeper_profile.pk}",
        button="action=verify",
        follow=True,
    )
    assert f"店铺编号 {SHOP} 已为 {owner} 核实。如需更改，请先撤销。" in texts(response)
    assert not ShopkeeperProfile.objects.get(user=attacker).shop_verified
    with pytest.raises(IntegrityError), transaction.atomic():
        ShopkeeperProfile.objects.filter(user=attacker).update(
            shop_verified=True, shop_verified_at=timezone.now()
        )
    client.force_login(owner)
    submit(client, reverse("profile"), {"province": "河南", "city": "周口"}, form=PROFILE_FORM)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert shows_sales(page) and NOTE not in page
    assert shows_sales(client.get(reverse("dashboard")).content.decode())
    client.force_login(attacker)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert NOTE in page and not shows_sales(page)


def test_undoing_a_verification_hides_the_sales_again(client, home_page):
    owner = shopkeeper(shop_id=SHOP)
    import_sales()
    client.force_login(owner)
    assert shows_sales(client.get(reverse("metrics:mine")).content.decode())
    client.force_login(staff(roles.PROGRAM_STAFF))
    submit(
        client,
        reverse("academy_shop_ids") + f"?q={SHOP}&show=verified",
        form=f"#decide-{owner.shopkeeper_profile.pk}",
        button="action=unverify",
    )
    client.force_login(owner)
    page = client.get(reverse("metrics:mine")).content.decode()
    assert NOTE in page and not shows_sales(page)


def test_only_staff_who_may_verify_open_the_shop_id_page(client, home_page):
    shopkeeper(shop_id=SHOP, shop_verified=False)
    for user in (staff(roles.EDITOR), shopkeeper()):
        client.force_login(user)
        response = client.get(reverse("academy_shop_ids"))
        assert response.status_code in (302, 403)
        assert SHOP not in response.content.decode()


def test_the_level_is_not_the_shopkeepers_to_choose(client, home_page):
    me = shopkeeper(level=1)
    client.force_login(me)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="level"' not in page
    # A level added to the post by hand is ignored.
    fields = dict(form_fields(rendered_form(page, PROFILE_FORM)))
    assert client.post(reverse("profile"), {**fields, "level": "5"}).status_code == 302
    assert ShopkeeperProfile.objects.get(user=me).level == 1
    assert (
        submit(client, reverse("profile"), {"city": "郑州"}, form=PROFILE_FORM).status_code == 302
    )
    profile = ShopkeeperProfile.objects.get(user=me)
    assert (profile.city, profile.level) == ("郑州", 1)
