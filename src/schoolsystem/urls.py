from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from schoolsystem.accounts.views import ThrottledAdminAuthenticationForm

admin.site.login_form = (
    ThrottledAdminAuthenticationForm  # the admin's sign-in is throttled like the service's
)

api_v1 = [
    path("", include("schoolsystem.accounts.api_urls")),
    path("", include("schoolsystem.registry.api_urls")),
    path("", include("schoolsystem.performance.api_urls")),
    path("", include("schoolsystem.improvement.api_urls")),
    path("", include("schoolsystem.brokerage.api_urls")),
    path("", include("schoolsystem.accreditation.api_urls")),
]

urlpatterns = [
    # Browsers ask for /favicon.ico on pages that do not name an icon (the API docs): GOV.UK Frontend's, from /assets/.
    path("favicon.ico", RedirectView.as_view(url="/assets/images/favicon.ico", permanent=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("schoolsystem.accounts.urls")),
    path("api/v1/", include(api_v1)),
    # The schema is the same for every caller and costs 0.4-1 s to build: built once an hour per process.
    path("api/schema/", cache_page(60 * 60)(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("performance/", include("schoolsystem.performance.urls")),
    path("improvement/", include("schoolsystem.improvement.urls")),
    path("brokerage/", include("schoolsystem.brokerage.urls")),
    path("accreditation/", include("schoolsystem.accreditation.urls")),
    # Public, no sign-in: the decision register (seed 003 proposal 7) and the accredited pool (seed 000).
    path("decisions/", include("schoolsystem.improvement.public_urls")),
    path("accredited-providers/", include("schoolsystem.accreditation.public_urls")),
    path("", include("schoolsystem.registry.urls")),
]

handler404 = "schoolsystem.core.api.not_found"
