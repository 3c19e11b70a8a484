"""Pages of the improvement app (mounted at /improvement/)."""

from django.urls import path

from schoolsystem.improvement import views

app_name = "improvement"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/export.csv", views.case_export, name="case-export"),
    path("cases/open/", views.case_open, name="case-open"),
    path("cases/overdue/", views.overdue, name="overdue"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case-edit"),
    path(
        "cases/<int:pk>/consultations/<int:consultation_pk>/respond/",
        views.consultation_respond,
        name="consultation-respond",
    ),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case-action"),
    path("schools/<int:urn>/cases/", views.school_cases, name="school-cases"),
    path("academy-orders/<int:pk>/sponsor/", views.order_sponsor, name="order-sponsor"),
    path("academy-orders/<int:pk>/revoke/", views.order_revoke, name="order-revoke"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/new/", views.decision_new, name="decision-new"),
    path("decisions/<int:pk>/", views.decision_manage, name="decision-manage"),
    path("support/", views.offer_search, name="offer-search"),
    path("support/offers/new/", views.offer_new, name="offer-new"),
    path("support/offers/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("support/requests/", views.support_list, name="support-list"),
    path("support/requests/new/", views.support_new, name="support-new"),
    path("support/requests/<int:pk>/", views.support_detail, name="support-detail"),
    path("support/requests/<int:pk>/<slug:step>/", views.support_step, name="support-step"),
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/new/", views.review_new, name="review-new"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/<slug:step>/", views.review_step, name="review-step"),
]
