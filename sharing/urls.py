"""Staff pages of sharing (namespace ``sharing``): agencies, declarations, requests, records requests."""
from django.urls import path

from sharing.views import agencies, networks, online, records, requests

app_name = "sharing"

urlpatterns = [
    # Written requests from law-enforcement agencies (the administrator, SHR-1, SHR-2)
    path("", requests.requests_queue, name="requests"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/new/agency/", requests.request_new_agency, name="request_new_agency"),
    path("requests/<int:request_id>/", requests.request_detail, name="request_detail"),
    path("requests/<int:request_id>/decide/", requests.request_decide, name="request_decide"),
    path("requests/<int:request_id>/release/", requests.request_release, name="request_release"),
    path("requests/<int:request_id>/certify/", requests.deletion_certify, name="deletion_certify"),
    path("certificates/", requests.certificates, name="certificates"),
    # The agency registry, declarations, partner people and keys (SHR-2, SHR-4)
    path("agencies/", agencies.agencies_list, name="agencies"),
    path("agencies/new/", agencies.agency_register, name="agency_register"),
    path("agencies/<int:agency_id>/", agencies.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_id>/sharing/", agencies.agency_sharing, name="agency_sharing"),
    path("agencies/<int:agency_id>/declarations/new/", agencies.declaration_record,
         name="declaration_record"),
    path("agencies/<int:agency_id>/declarations/<int:declaration_id>/document/",
         agencies.declaration_document, name="declaration_document"),
    path("agencies/<int:agency_id>/people/new/", agencies.person_add, name="person_add"),
    path("agencies/<int:agency_id>/revoke/", agencies.agency_revoke, name="agency_revoke"),
    path("people/<int:person_id>/keys/new/", agencies.credential_issue, name="credential_issue"),
    path("keys/<int:credential_id>/revoke/", agencies.credential_revoke, name="credential_revoke"),
    # Online sharing: the administrator asks (agency_sharing), the Chief decides (Oak Park GO 4-68 VII.D)
    path("online/", online.online_sharing, name="online_sharing"),
    path("online/<int:online_request_id>/decide/", online.online_sharing_decide,
         name="online_sharing_decide"),
    # Partner networks our officers search, and the keys partners issued to our people (Oak Park IX.1)
    path("agencies/<int:agency_id>/network/", networks.network_configure, name="network_configure"),
    path("agencies/<int:agency_id>/network/keys/new/", networks.search_key_store, name="search_key_store"),
    path("network-keys/<int:search_key_id>/remove/", networks.search_key_remove, name="search_key_remove"),
    # Requests from outside law enforcement: the records supervisor's (SHR-3)
    path("records/", records.records_requests, name="records_requests"),
    path("records/new/", records.records_request_new, name="records_request_new"),
    path("records/<int:records_request_id>/close/", records.records_request_close,
         name="records_request_close"),
]
