"""The demo's own audit entry: the log itself says which days were replayed by the demo seeding."""
from audit.actions import register

DAY_REPLAYED = register("demo.day_replayed", "Demo history: a past day replayed by the seeding",
                        category="demo")
