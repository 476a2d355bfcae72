from django.http import HttpRequest


def tenant(request: HttpRequest) -> dict:
    current = getattr(request, "tenant", None)
    return {"current_tenant": current, "is_platform": getattr(current, "is_public", False)}
