"""Registry pages, mounted at the site root."""

from django.urls import path

from schoolsystem.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("my-school/", views.my_school, name="my-school"),
    path("my-trust/", views.my_trust, name="my-trust"),
    path("schools/", views.school_search, name="school-search"),
    path("schools/<int:urn>/", views.school_detail, name="school"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("isolated-schools/", views.isolated_schools, name="isolated"),
    path("partnerships/new/", views.partnership_new, name="partnership-new"),
    path("partnerships/upload/", views.partnership_upload, name="partnership-upload"),
    path("groups/<int:pk>/edit/", views.partnership_edit, name="partnership-edit"),
    path("groups/<int:pk>/members/new/", views.membership_new, name="membership-new"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path(
        "schools/<int:urn>/partnerships/add/", views.school_join_partnership, name="school-join-partnership"
    ),
    path("system-leaders/", views.system_leaders, name="system-leaders"),
    path("system-leaders/new/", views.system_leader_new, name="system-leader-new"),
    path("system-leaders/<int:pk>/edit/", views.system_leader_edit, name="system-leader-edit"),
]
