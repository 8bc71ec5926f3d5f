"""OpenAPI description of the partner API's key scheme (drf-spectacular reads it from here)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "sharing.auth.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Partner <key_id>:<secret>`: one key per named person of a partner agency."}
