"""Registry pages, mounted at the site root."""

from django.urls import path

from schoolsystem.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("schools/", views.school_search, name="school-search"),
    path("schools/<int:urn>/", views.school_detail, name="school"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("isolated-schools/", views.isolated_schools, name="isolated"),
]
