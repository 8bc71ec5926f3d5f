"""Staff pages of sharing (namespace ``sharing``): agencies, declarations, requests, records requests."""
from django.urls import path

from sharing import views

app_name = "sharing"

urlpatterns = [
    # Written requests from law-enforcement agencies (the administrator, SHR-1, SHR-2)
    path("", views.requests_queue, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/new/agency/", views.request_new_agency, name="request_new_agency"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:request_id>/release/", views.request_release, name="request_release"),
    path("requests/<int:request_id>/certify/", views.deletion_certify, name="deletion_certify"),
    path("certificates/", views.certificates, name="certificates"),
    # The agency registry, declarations, partner people and keys (SHR-2, SHR-4)
    path("agencies/", views.agencies_list, name="agencies"),
    path("agencies/new/", views.agency_register, name="agency_register"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_id>/sharing/", views.agency_sharing, name="agency_sharing"),
    path("agencies/<int:agency_id>/declarations/new/", views.declaration_record, name="declaration_record"),
    path("agencies/<int:agency_id>/declarations/<int:declaration_id>/document/", views.declaration_document,
         name="declaration_document"),
    path("agencies/<int:agency_id>/people/new/", views.person_add, name="person_add"),
    path("agencies/<int:agency_id>/revoke/", views.agency_revoke, name="agency_revoke"),
    path("people/<int:person_id>/keys/new/", views.credential_issue, name="credential_issue"),
    path("keys/<int:credential_id>/revoke/", views.credential_revoke, name="credential_revoke"),
    # Requests from outside law enforcement: the records supervisor's (SHR-3)
    path("records/", views.records_requests, name="records_requests"),
    path("records/new/", views.records_request_new, name="records_request_new"),
    path("records/<int:records_request_id>/close/", views.records_request_close,
         name="records_request_close"),
]
