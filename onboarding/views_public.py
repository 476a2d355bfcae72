"""The public sign-up on the platform domain."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from onboarding import divisions, services
from onboarding.forms import SignUpForm


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = services.application_submit(data=services.SignUp(
                kind=d["kind"], province_code=d["province_code"], name=d["name"], slug=d["slug"],
                contact_name=d["contact_name"], email=d["email"], phone=d["phone"], plan=d["plan"],
            ))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            request.session["onboarding_application"] = app.pk
            return redirect("onboarding-signup-done")
    slugs = {p.code: divisions.slugify_vi(p.name) for p in divisions.provinces()}
    return render(request, "onboarding/signup.html", {"form": form, "slugs": slugs}, status=200)


def signup_done(request: HttpRequest) -> HttpResponse:
    from onboarding.models import Application

    app = Application.objects.filter(pk=request.session.get("onboarding_application")).first()
    return render(request, "onboarding/signup_done.html", {"application": app})
