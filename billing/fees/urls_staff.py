"""Staff pages of the fee collections (under /staff/billing/)."""

from django.urls import path

from billing.fees import views_staff as views

app_name = "fees-staff"

urlpatterns = [
    path("", views.collections, name="collections"),
    path("payments/", views.payments, name="payments"),
    path("payments/<int:payment_id>/", views.payment_detail, name="payment"),
    path("payments/<int:payment_id>/refund/", views.refund, name="refund"),
    path("terminal/", views.terminal, name="terminal"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:invoice_id>.pdf", views.invoice_pdf, name="invoice-pdf"),
]
