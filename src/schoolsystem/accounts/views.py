import ipaddress

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolsystem.accounts import services, throttle
from schoolsystem.accounts.home import home_url


def client_ip(request) -> str:
    """The address the sign-in lockout counts: the socket's, or behind `TRUSTED_PROXY_COUNT` proxies the address
    the outermost of them saw (Werkzeug's ProxyFix reads the header the same way). Each proxy appends the address
    it was called from, so only the last N entries are ours; anything left of them is whatever the client sent. A
    header with fewer entries, or a value that is not an address, means a proxy is not set up as configured: the
    socket's address is used rather than trusting it."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < trusted:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-trusted]))
    except ValueError:
        return remote


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
    """The service's sign-in, in the Design System's words (Django's say "Please enter a correct username ...")."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account cannot sign in. Ask an administrator to reactivate it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    """The Django admin's sign-in, throttled like the service's (installed in urls.py)."""


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next` page, each role lands on its own home (accounts.home)."""
        return home_url(self.request.user)


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
