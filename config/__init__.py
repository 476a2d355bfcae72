# Load the Celery app with Django, so that tasks sent from web requests use our broker.
from config.celery import app as celery_app

__all__ = ("celery_app",)
