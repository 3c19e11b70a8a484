"""Pages of the accreditation app (mounted at /accreditation/)."""

from django.urls import path

from schoolsystem.accreditation import views

app_name = "accreditation"
urlpatterns = [
    path("", views.home, name="home"),
    path("organisation/new/", views.organisation_new, name="organisation-new"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation"),
    path("organisations/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member-remove"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_edit, name="round"),
    path("conflicts/", views.conflict_declare, name="conflict-declare"),
    path("applications/new/", views.application_new, name="application-new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/details/", views.application_details, name="details"),
    path("applications/<int:pk>/evidence/<str:criterion>/", views.evidence_edit, name="evidence"),
    path("applications/<int:pk>/partners/", views.partners, name="partners"),
    path("applications/<int:pk>/partners/add/", views.partner_add, name="partner-add"),
    path(
        "applications/<int:pk>/partners/<int:partner_pk>/remove/", views.partner_remove, name="partner-remove"
    ),
    path("applications/<int:pk>/attachments/", views.attachments, name="attachments"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/act/<str:action>/", views.application_action, name="action"),
    path("complaints/<int:pk>/<str:action>/", views.complaint_action, name="complaint-action"),
    path("accreditations/<int:pk>/", views.accreditation_detail, name="accreditation"),
    path("accreditations/<int:pk>/status/", views.accreditation_action, name="accreditation-action"),
    path("accreditations/<int:pk>/schools/", views.led_schools, name="led-schools"),
]
