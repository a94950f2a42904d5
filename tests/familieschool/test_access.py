import pytest
from django.contrib.admin import site
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieschool.access import (
    families_for,
    may_freeze_figures,
    record_schools_for,
    role_of,
    schools_for,
    second_factor_required,
)
from familieschool.constants import AuditAction, Role
from familieschool.models import AuditLog, User
from familieschool.selectors import family_search
from familieschool.services import audit_log_record
from tests.familieschool.factories import SchoolBoardFactory, SchoolFactory, UserFactory


@pytest.mark.django_db
def test_a_coordinator_sees_only_her_own_schools_and_families(alice, school_a, family_a, family_b):
    assert list(schools_for(alice)) == [school_a]
    assert list(families_for(alice)) == [family_a]


@pytest.mark.django_db
def test_a_project_leader_sees_aggregates_of_all_schools_but_no_records(
    lisa, school_a, school_b, family_a
):
    assert set(schools_for(lisa)) == {school_a, school_b}
    assert list(record_schools_for(lisa)) == []
    assert list(families_for(lisa)) == []


@pytest.mark.django_db
def test_a_board_project_leader_sees_only_the_board_schools(school_a):
    other = SchoolFactory(board=SchoolBoardFactory(name="Ander bestuur"))
    leader = UserFactory(username="bert", role=Role.PROJECT_LEADER, board=school_a.board)
    assert school_a in schools_for(leader)
    assert other not in schools_for(leader)


@pytest.mark.django_db
def test_partner_staff_see_no_schools_or_families(pam, family_a):
    assert list(schools_for(pam)) == []
    assert list(families_for(pam)) == []


@pytest.mark.django_db
def test_a_superuser_without_role_counts_as_administrator():
    admin = UserFactory(username="root", role="", is_superuser=True, is_staff=True)
    assert role_of(admin) == Role.ADMINISTRATOR


@pytest.mark.django_db
def test_family_search_stays_within_the_coordinators_schools(alice, parent_a, family_b):
    assert list(family_search(user=alice, term="A0")) == [parent_a.family]
    assert list(family_search(user=alice, term="Fat")) == [parent_a.family]
    assert list(family_search(user=alice, term="B0")) == []


@pytest.mark.django_db
def test_the_audit_log_is_append_only(alice, family_a):
    entry = audit_log_record(user=alice, action=AuditAction.VIEW, obj=family_a)
    assert (entry.role, entry.family, entry.object_type) == (
        Role.COORDINATOR,
        family_a,
        "familieschool.family",
    )
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditLog.objects.all().delete()
    with pytest.raises(TypeError):
        AuditLog.objects.update(action=AuditAction.CHANGE)
    assert AuditLog.objects.get().action == AuditAction.VIEW


@pytest.mark.parametrize(
    ("user_fixture", "start_page"),
    [
        ("alice", "servicepunt:walkin"),
        ("pam", "partners:week"),
        ("lisa", "rapportage:dashboard"),
        ("adam", "admin:index"),
    ],
)
def test_each_role_logs_in_and_lands_on_its_own_start_page(
    client, request, user_fixture, start_page
):
    user = request.getfixturevalue(user_fixture)
    response = client.post(
        reverse("login"), {"username": user.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    landing = client.get(response.url)
    assert landing.status_code == 302
    if second_factor_required(user):
        # Administrators and project leaders first set up their second step, then go on.
        setup_url = reverse("second-factor-setup")
        assert landing.url == f"{setup_url}?next=%2F"
        client.get(landing.url)
        device = TOTPDevice.objects.get(user=user)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        client.post(setup_url, {"token": f"{totp.token():06d}", "next": "/"})
        landing = client.get(response.url)
    assert landing.url == reverse(start_page)
    assert client.get(landing.url).status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_gets_a_dutch_error(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "fout"})
    assert response.status_code == 200
    assert (
        "Deze gebruikersnaam en dit wachtwoord horen niet bij elkaar" in response.content.decode()
    )


@pytest.mark.django_db
def test_a_municipality_project_leader_sees_only_the_schools_of_her_municipality(school_a):
    elsewhere = SchoolFactory(municipality="Amsterdam", board=school_a.board)
    leader = UserFactory(username="gerda", role=Role.PROJECT_LEADER, municipality="Utrecht")
    assert school_a in schools_for(leader)
    assert elsewhere not in schools_for(leader)
    assert may_freeze_figures(leader) is False


@pytest.mark.django_db
def test_a_project_leader_is_scoped_to_a_board_or_a_municipality_not_both(school_a):
    leader = UserFactory.build(
        username="gerda", role=Role.PROJECT_LEADER, board=school_a.board, municipality="Utrecht"
    )
    with pytest.raises(ValidationError) as raised:
        leader.full_clean()
    assert raised.value.message_dict["municipality"] == [
        "Kies een bestuur of een gemeente, niet allebei: een projectleider ziet de scholen "
        "van een van beide."
    ]


@pytest.mark.django_db
def test_a_municipality_without_schools_is_refused(school_a):
    leader = UserFactory.build(username="gerda", role=Role.PROJECT_LEADER, municipality="Utrect")
    with pytest.raises(ValidationError) as raised:
        leader.full_clean()
    assert "municipality" in raised.value.message_dict


@pytest.mark.django_db
def test_only_a_project_leader_is_scoped_to_a_municipality(school_a):
    coordinator = UserFactory.build(username="carla", role=Role.COORDINATOR, municipality="Utrecht")
    with pytest.raises(ValidationError) as raised:
        coordinator.full_clean()
    assert "municipality" in raised.value.message_dict


@pytest.mark.django_db
def test_the_admin_user_form_shows_the_error_next_to_the_municipality(adam, school_a, rf):
    leader = UserFactory(username="gerda", role=Role.PROJECT_LEADER, board=school_a.board)
    request = rf.get("/")
    request.user = adam
    model_admin = site._registry[User]
    form_class = model_admin.get_form(request, leader, change=True)
    initial = form_class(instance=leader).initial
    data = {
        key: value
        for key, value in initial.items()
        if key in form_class.base_fields and value is not None
    }
    data.update(
        {
            "board": school_a.board.pk,
            "municipality": "Utrecht",
            "schools": [],
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )
    form = form_class(data, instance=leader)
    assert not form.is_valid()
    assert list(form.errors) == ["municipality"]
    data["board"] = ""
    form = form_class(data, instance=leader)
    assert form.is_valid(), form.errors
    form.save()
    leader.refresh_from_db()
    assert (leader.board, leader.municipality) == (None, "Utrecht")
    assert list(schools_for(leader)) == [school_a]
