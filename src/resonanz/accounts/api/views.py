"""Token authentication for the API: obtain (POST) and revoke (DELETE) the caller's token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from resonanz.accounts.selectors import user_role


class TokenLoginThrottle(AnonRateThrottle):
    """Slows down password guessing on the token endpoint (per client IP)."""

    scope = "token"
    rate = "30/minute"

    def get_rate(self) -> str:
        return self.rate


_TokenResponse = inline_serializer(
    name="AuthTokenResponse",
    fields={
        "token": serializers.CharField(help_text="Send as header `Authorization: Token <token>`."),
        "username": serializers.CharField(),
        "role": serializers.CharField(allow_null=True),
    },
)


class TokenView(APIView):
    """POST username/password → the user's API token (created on first use). DELETE revokes it."""

    authentication_classes = [TokenAuthentication]
    throttle_classes = [TokenLoginThrottle]
    serializer_class = AuthTokenSerializer

    def get_permissions(self):  # type: ignore[no-untyped-def]
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an API token",
        request=AuthTokenSerializer,
        responses={200: _TokenResponse, 400: OpenApiResponse(description="Wrong username or password.")},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "username": user.get_username(), "role": user_role(user)})

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Revoke the token used for this request",
        request=None,
        responses={204: None},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
