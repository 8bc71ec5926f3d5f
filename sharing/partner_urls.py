"""Partner API URLs (namespace ``partner_api``). The access gate lets this namespace through because it
authenticates partner people with their own keys (``sharing.auth``), never a browser session."""
from types import SimpleNamespace

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from sharing import apis

app_name = "partner_api"

urlpatterns = [
    path("api/v1/purposes/", apis.PurposesView.as_view(), name="purposes"),
    path("api/v1/searches/", apis.SearchView.as_view(), name="searches"),
    path("api/v1/notices/", apis.NoticesView.as_view(), name="notices"),
    path("api/v1/requests/<uuid:request_uuid>/package/", apis.ReleasePackageView.as_view(), name="package"),
    path("api/v1/requests/<uuid:request_uuid>/deletion-certificate/", apis.DeletionCertificateView.as_view(),
         name="deletion_certificate"),
]

# The partner API's own OpenAPI schema, public like the API's description should be: only these paths.
_PARTNER_ONLY = SimpleNamespace(urlpatterns=[path("partner/", include((list(urlpatterns), "partner_api")))])
urlpatterns.append(
    path("api/v1/schema/", SpectacularAPIView.as_view(urlconf=_PARTNER_ONLY, authentication_classes=[],
                                                      permission_classes=[AllowAny]), name="schema"))
