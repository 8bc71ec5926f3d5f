from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("compliance/", core_views.compliance, name="compliance"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("policy/", include("policy.urls")),
    path("search/", include("searches.urls")),
    path("hotlists/", include("hotlists.urls")),
    path("retention/", include("retention.urls")),
    path("reports/", include("reports.urls")),
    path("sharing/", include("sharing.urls")),
    # The public transparency portal: no sign-in, never a plate, an image or a user's identity.
    path("portal/", include("reports.portal_urls")),
    # Camera uploads (per-camera credentials, never a browser session): namespace camera_api.
    path("", include("ingest.urls")),
    # Partner agencies' people search our own reads with their own keys (never a session): partner_api.
    path("partner/", include("sharing.partner_urls")),
]
