"""Sign-in safety: lock-out after repeated failures (django-axes, per tenant), a second factor (django-otp:
TOTP and recovery codes), password reset by e-mail bound to the tenant, idle sessions ended, and personal
pages kept out of caches. The policy (who must have a second factor) is ``services.second_factor_required``."""
