"""Citizen payment pages, the VNPay return page and the IPN (under /thanh-toan/)."""

from django.urls import path

from billing.fees import views_public as views

app_name = "fees"

urlpatterns = [
    path("vnpay/ipn", views.vnpay_ipn, name="vnpay-ipn"),
    path("vnpay/return", views.vnpay_return, name="vnpay-return"),
    path("paygov/notify", views.paygov_notify, name="paygov-notify"),
    path("<str:token>/", views.pay, name="pay"),
    path("<str:token>/bien-lai.pdf", views.receipt, name="receipt"),
]
