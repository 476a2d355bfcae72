"""Password-reset links bound to the schema that sent them.

Django's token already dies with the password it was made for (single use) and after
PASSWORD_RESET_TIMEOUT; the schema's name in its hash makes a link of one tenant worthless on another,
even for an account of the same number there."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection

from core.accounts.models import User


class SchemaBoundTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "core.signin.tokens.SchemaBoundTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{connection.schema_name}|{super()._make_hash_value(user, timestamp)}"


reset_token_generator = SchemaBoundTokenGenerator()
