"""The public portal: namespace "portal", reachable without signing in (accounts.middleware)."""

from django.urls import path

from reports.views import portal

app_name = "portal"

urlpatterns = [
    path("", portal.home, name="home"),
    path("cameras/", portal.cameras, name="cameras"),
    path("cameras.csv", portal.cameras_csv, name="cameras_csv"),
    path("cameras.json", portal.cameras_json, name="cameras_json"),
    path("policy/", portal.policy, name="policy"),
    path("policy/v<int:version>/", portal.policy_version, name="policy_version"),
    path("policy/changes/<int:proposal_id>/", portal.policy_change, name="policy_change"),
    path("usage/", portal.usage, name="usage"),
    path("usage.csv", portal.usage_csv, name="usage_csv"),
    path("usage.json", portal.usage_json, name="usage_json"),
    path("integrity/", portal.integrity, name="integrity"),
    path("integrity.json", portal.chain_heads_json, name="integrity_json"),
    path("incidents/", portal.incidents, name="incidents"),
    path("report-a-problem/", portal.complaint, name="complaint"),
    path("report-a-problem/status/", portal.complaint_status, name="complaint_status"),
]
