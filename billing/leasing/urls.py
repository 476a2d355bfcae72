"""Operator pages of the leasing fees (under /console/billing/)."""

from django.urls import path

from billing.leasing import views

app_name = "leasing"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lap-hoa-don/", views.run_invoices, name="run-invoices"),
    path("hoa-don/<int:invoice_id>.pdf", views.invoice_document, name="invoice-pdf"),
    path("hoa-don/<int:invoice_id>/thanh-toan/", views.record_payment, name="record-payment"),
    path("hop-dong/<int:contract_id>/hoan-tam-ngung/", views.hold, name="hold"),
    path("doi-soat/", views.reconciliation, name="reconciliation"),
]
