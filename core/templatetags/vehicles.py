"""``{{ read.vehicle|vehicle_facts }}``: the vehicle a camera's reader described, for the pages that verify
a read against a hotlist entry (alert, read page)."""
from django import template

from ingest.vehicle import vehicle_facts as facts

register = template.Library()


@register.filter
def vehicle_facts(vehicle) -> list[tuple[str, str, float | None]]:
    return facts(vehicle)
