from django.apps import AppConfig


class Config(AppConfig):
    name = "control.catalogue"
    label = "catalogue"
    verbose_name = "Danh mục thủ tục quốc gia"
