"""Account API routes, mounted under /api/v1/."""

from django.urls import path

from schoolsystem.accounts import api

urlpatterns = [
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token-obtain"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("me/token/", api.MyTokenView.as_view(), name="api-my-token"),
]
