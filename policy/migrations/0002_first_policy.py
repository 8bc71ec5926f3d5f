"""Put the default policy (Oak Park GO 4-68 values) in force, so there is always one."""
from django.db import migrations


def create_default_policy(apps, schema_editor):
    AgencyPolicy = apps.get_model("policy", "AgencyPolicy")
    if not AgencyPolicy.objects.exists():
        AgencyPolicy.objects.create(change_reason="Initial policy from the department's general order.")


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
