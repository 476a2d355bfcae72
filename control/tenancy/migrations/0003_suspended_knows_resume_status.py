# A migration of its own: 0002 inserts holds (deferred foreign-key checks) and PostgreSQL refuses to
# ALTER the referenced table in the transaction that has them pending.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0002_holds_and_status_machine'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='tenant',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'suspended'), ('resume_status__in', ['trial', 'active'])), models.Q(models.Q(('status', 'suspended'), _negated=True), ('resume_status', '')), _connector='OR'), name='tenancy_suspended_knows_resume_status'),
        ),
    ]
