"""Account API: exchange a username and password for a token (throttled like the sign-in page), see who you are,
and rotate your token."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from schoolsystem.accounts import services, throttle
from schoolsystem.accounts.views import client_ip


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as the header 'Authorization: Token <token>'")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(help_text="Full name, or the username when no name is given")
    role = serializers.CharField()
    role_label = serializers.CharField()
    scope = serializers.CharField(help_text="Where the user's role applies")
    organisation = serializers.CharField()
    has_token = serializers.BooleanField()


class ObtainTokenView(APIView):
    """POST a username and password, get the API token. Five failures in 15 minutes lock the username for this
    address (the same rule as the sign-in page); requests are also rate-limited ('login' throttle scope)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="Get your API token with your username and password",
        request=CredentialsSerializer,
        responses={200: TokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        creds = CredentialsSerializer(data=request.data)
        creds.is_valid(raise_exception=True)
        username, ip = creds.validated_data["username"], client_ip(request)
        if throttle.is_locked(username, ip):
            return Response(
                {"detail": "Too many failed sign-in attempts. Wait 15 minutes and try again."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        user = authenticate(request, username=username, password=creds.validated_data["password"])
        if user is None or not user.is_active:
            throttle.record_failure(username, ip)
            return Response(
                {"detail": "The username or password is not right."}, status=status.HTTP_400_BAD_REQUEST
            )
        throttle.reset(username, ip)
        return Response({"token": services.api_token_obtain(user=user).key})


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Who you are: role and scope", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            MeSerializer(
                {
                    "username": user.get_username(),
                    "name": user.display_name,
                    "role": user.role,
                    "role_label": user.get_role_display(),
                    "scope": user.scope_label,
                    "organisation": user.organisation,
                    "has_token": services.api_token_for(user) is not None,
                }
            ).data
        )


class MyTokenView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Issue yourself a new API token (the old one stops working)",
        request=None,
        responses={201: TokenSerializer},
    )
    def post(self, request: Request) -> Response:
        token = services.api_token_issue(user=request.user, by=request.user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)
