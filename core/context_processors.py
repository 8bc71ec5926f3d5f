from django.conf import settings


def site(request):
    return {"agency_name": settings.AGENCY_NAME}
