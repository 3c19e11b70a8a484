from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolsystem.accounts import services, throttle


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


class ThrottledMixin:
    """Sign-in refused while the username or the address is locked (accounts.throttle); failures counted."""

    locked_message = "Too many failed sign-in attempts. Wait 15 minutes and try again."

    def clean(self):
        username = self.data.get("username", "")
        ip = client_ip(self.request) if self.request else ""
        if throttle.is_locked(username, ip):
            raise forms.ValidationError(self.locked_message, code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, ip)
            raise
        throttle.reset(username, ip)
        return cleaned


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    """The Django admin's sign-in, throttled like the service's (installed in urls.py)."""


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """'Your account': role, scope and the API token. POST issues a new token (the old one stops working)."""
    if request.method == "POST":
        services.api_token_issue(user=request.user, by=request.user)
        messages.success(request, "Your new API token is shown below. The previous token no longer works.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"token": services.api_token_for(request.user)},
    )
