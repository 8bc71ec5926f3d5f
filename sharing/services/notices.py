"""Deliver erroneous-data notices to the agencies that received the read (RET-5)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.context import Actor
from audit.services import audit_record
from core.compliance import enforces
from retention.models import ErroneousDataNotification
from sharing import audit_actions as actions
from sharing.models import Agency


@enforces("RET-5")
def erroneous_notices_deliver(*, actor: Actor) -> int:
    """E-mail each undelivered notice to its agency's contact and mark it delivered; return how many.

    The notice record exists from the moment the error is confirmed (retention); this sends it. A
    notice for an agency that is not in the registry (no contact) stays undelivered, on the
    administrator's list, for delivery by hand.
    """
    delivered = 0
    for notice_id in ErroneousDataNotification.objects.filter(delivered_at__isnull=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            notice = (
                ErroneousDataNotification.objects.select_for_update(skip_locked=True)
                .filter(pk=notice_id, delivered_at__isnull=True)
                .first()
            )
            agency = notice and Agency.objects.filter(ori=notice.agency_ori).first() if notice else None
            if notice is None or agency is None:
                continue
            send_mail(
                subject=f"{settings.AGENCY_NAME}: erroneous ALPR read shared with your agency",
                message=notice.message,
                from_email=None,
                recipient_list=[agency.contact_email],
            )
            notice.delivered_at = timezone.now()
            notice.save(update_fields=["delivered_at"])
            audit_record(
                actor=actor,
                action=actions.NOTICE_DELIVERED,
                targets=[f"agency:{agency.ori}", f"notification:{notice.pk}", f"read:{notice.read_id}"],
            )
        delivered += 1
    return delivered
