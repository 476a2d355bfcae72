from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.calendar"
    label = "workcalendar"
    verbose_name = "Lịch làm việc"
