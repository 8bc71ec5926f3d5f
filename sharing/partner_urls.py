"""Partner API URLs (namespace ``partner_api``). The access gate lets this namespace through because it
authenticates partner people with their own keys (``sharing.auth``), never a browser session."""
from django.urls import path

from sharing import apis

app_name = "partner_api"

urlpatterns = [
    path("api/v1/purposes/", apis.PurposesView.as_view(), name="purposes"),
    path("api/v1/searches/", apis.SearchView.as_view(), name="searches"),
    path("api/v1/notices/", apis.NoticesView.as_view(), name="notices"),
    path("api/v1/requests/<uuid:request_uuid>/deletion-certificate/", apis.DeletionCertificateView.as_view(),
         name="deletion_certificate"),
]
