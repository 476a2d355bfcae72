from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(
    responses=inline_serializer(
        "Me", {"username": serializers.CharField(), "kind": serializers.CharField(), "tenant": serializers.CharField()}
    )
)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who is signed in, and on which tenant."""
    return Response(
        {"username": request.user.username, "kind": request.user.kind, "tenant": connection.schema_name}
    )
