# The lease contact now lives on the tenant (billing reads it through control.tenancy.interface, never
# onboarding's models): copy each provisioned application's e-mail to its tenant.

from django.db import migrations


def copy_contact_emails(apps, schema_editor):
    Application = apps.get_model("onboarding", "Application")
    Tenant = apps.get_model("tenancy", "Tenant")
    for tenant_id, email in Application.objects.filter(tenant__isnull=False).values_list("tenant_id", "email"):
        Tenant.objects.filter(pk=tenant_id, contact_email="").update(contact_email=email)


class Migration(migrations.Migration):

    dependencies = [
        ('onboarding', '0001_initial'),
        ('tenancy', '0002_holds_and_status_machine'),
    ]

    operations = [
        migrations.RunPython(copy_contact_emails, migrations.RunPython.noop),
    ]
