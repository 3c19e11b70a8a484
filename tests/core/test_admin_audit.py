"""Every write in the Django admin is audited (core.admin_audit): the rows of its inlines, a user's groups and
permissions, a password set on the password page; an API token's key never reaches the log. Each was a gap found
in an audit-coverage review, proved by a test that passed while the gap was there."""

import pytest
from django.contrib.auth.models import Permission
from django.forms import MultiWidget
from rest_framework.authtoken.models import Token

from schoolsystem.accounts.models import User
from schoolsystem.core.audit import history_for
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Membership
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


def _field_data(form, data):
    for bf in form:
        value = bf.value()
        if isinstance(bf.field.widget, MultiWidget):
            parts = value if isinstance(value, list) else bf.field.widget.decompress(value)
            data.update({f"{bf.html_name}_{i}": str(p) for i, p in enumerate(parts) if p is not None})
        elif isinstance(value, bool):
            if value:
                data[bf.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bf.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bf.html_name] = str(value)


def resubmit(page) -> tuple[dict, dict]:
    """POST data that submits an admin change page as shown (its form and every inline), and the inlines."""
    data, formsets = {}, {}
    _field_data(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({bf.html_name: str(bf.value()) for bf in formset.management_form})
        for form in formset.forms:
            _field_data(form, data)
        formsets[formset.prefix] = formset
    return data, formsets


@pytest.fixture
def root(client, make_user):
    user = make_user("public", is_staff=True, is_superuser=True, username="root")
    client.force_login(user)
    return user


def test_a_membership_added_in_a_groups_inline_is_its_own_audited_event(client, root):
    world = build_world()
    url = f"/admin/registry/group/{world.tsa.pk}/change/"
    data, formsets = resubmit(client.get(url))
    n = int(data["memberships-TOTAL_FORMS"])
    data["memberships-TOTAL_FORMS"] = str(n + 1)
    data.update(
        {
            f"memberships-{n}-establishment": str(world.b2.pk),
            f"memberships-{n}-group": str(world.tsa.pk),
            f"memberships-{n}-role": "member",
            f"memberships-{n}-joined_on": "2024-09-01",
        }
    )
    assert client.post(url, data).status_code == 302
    added = Membership.objects.get(group=world.tsa, establishment=world.b2)
    event = history_for(added).get(action="admin.membership.created")
    assert event.actor == root and event.changes["joined_on"] == [None, "2024-09-01"]


def test_a_membership_changed_in_an_inline_records_before_and_after(client, root):
    world = build_world()
    url = f"/admin/registry/group/{world.tsa.pk}/change/"
    data, formsets = resubmit(client.get(url))
    [row] = [i for i, f in enumerate(formsets["memberships"].forms) if f.instance.pk == world.tsa_lead.pk]
    data[f"memberships-{row}-left_on"] = "2025-08-31"
    assert client.post(url, data).status_code == 302
    event = history_for(world.tsa_lead).get(action="admin.membership.changed")
    assert event.changes["left_on"] == [None, "2025-08-31"] and set(event.changes) <= {
        "left_on",
        "modified_on",
    }


def test_memberships_are_ended_not_deleted_in_the_admin(client, root):
    world = build_world()
    data, formsets = resubmit(client.get(f"/admin/registry/group/{world.tsa.pk}/change/"))
    assert not formsets["memberships"].can_delete
    assert client.get(f"/admin/registry/membership/{world.tsa_lead.pk}/delete/").status_code == 403


def test_a_users_permissions_granted_in_the_admin_are_in_its_event(client, root):
    jo = User.objects.create(username="jo", role="public")
    url = f"/admin/accounts/user/{jo.pk}/change/"
    data, _ = resubmit(client.get(url))
    perm = Permission.objects.get(codename="change_establishment")
    data["user_permissions"] = [str(perm.pk)]
    for key in ("password", "last_login_0", "last_login_1"):
        data.pop(key, None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = history_for(jo).get(action="admin.user.changed")  # one event: fields and permissions together
    assert event.actor == root and event.changes["user_permissions"] == [[], [perm.pk]]


def test_a_password_set_on_the_admins_password_page_is_audited_without_the_hash(client, root):
    jo = User.objects.create(username="jo2", role="public")
    jo.set_password("An-old-Passw0rd-abc")
    jo.save()
    old = jo.password
    response = client.post(
        f"/admin/accounts/user/{jo.pk}/password/",
        {"password1": "A-new-Passw0rd-xyz", "password2": "A-new-Passw0rd-xyz", "usable_password": "true"},
    )
    assert response.status_code == 302
    jo.refresh_from_db()
    event = history_for(jo).get(action="admin.user.password_set")
    assert event.actor == root and jo.password != old
    assert jo.password not in str(event.changes) and old not in str(event.changes)


def test_a_token_made_in_the_admin_is_audited_without_its_key(client, root):
    jo = User.objects.create(username="jo3", role="public")
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": str(jo.pk)}).status_code == 302
    key = Token.objects.get(user=jo).key
    events = AuditEvent.objects.filter(action__startswith="admin.token")
    assert events.exists() and not any(key in str(e.changes) or key in e.object_repr for e in events)
