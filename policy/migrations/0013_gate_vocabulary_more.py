"""Give the policy in force the gate's further default vocabulary (USE-1, USE-3, issue 12).

Words found missing by trying the gate as an outsider would ("check where my wife goes", "the union
organizer", "gender affirming care patient", "deporting him"). The same merge as 0008: the agency's own
words are kept, older rows are history. Adding words only tightens the gate, so it takes effect at once.
"""
import importlib

from django.db import migrations

_vocabulary = importlib.import_module("policy.migrations.0008_gate_vocabulary")


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0012_partner_search_timeout'),
    ]

    operations = [migrations.RunPython(_vocabulary.add_vocabulary, migrations.RunPython.noop)]
