"""Erroneous-data notices to the agencies that received the read (RET-5): delivered by e-mail, and
readable by the agency's people through the partner API."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.context import Actor
from audit.services import audit_record, refusals_recorded
from core.compliance import enforces
from core.errors import PolicyDenied
from retention.models import ErroneousDataNotification
from retention.selectors import notices_about_kept_reads
from sharing import audit_actions as actions
from sharing.models import Agency, PartnerPerson
from sharing.selectors import agency_block_reason

NOTICES_LIMIT = 200


@enforces("RET-5", "RET-1", "AUD-1", "SHR-4")
def notices_for_partner(*, actor: Actor, person_id: int) -> list[ErroneousDataNotification]:
    """Return the newest notices for the person's agency about reads we still keep (none about a read the
    purge deleted), with one audit row naming each notice and read shown, written with the read of them.

    The notices name reads (and their messages may quote plates): only an active person of an agency
    that may receive our data reads them (revoked, no declaration, overdue deletion: refused, SHR-4);
    the agency's contact still gets each notice by e-mail (``erroneous_notices_deliver``).
    """
    with refusals_recorded(actor=actor, action=actions.NOTICES_READ, targets=[f"partner-person:{person_id}"]):
        person = PartnerPerson.objects.select_related("agency").filter(pk=person_id, active=True).first()
        if person is None:
            raise PolicyDenied("The key's holder is not an active partner person.",
                               code="partner_person_inactive")
        blocked = agency_block_reason(person.agency)
        if blocked:
            raise PolicyDenied(blocked, code="agency_blocked")
        with transaction.atomic():
            notices = list(notices_about_kept_reads(ErroneousDataNotification.objects.filter(
                agency_ori=person.agency.ori)).order_by("-created_at")[:NOTICES_LIMIT])
            shown = [target for notice in notices
                     for target in (f"notification:{notice.pk}", f"read:{notice.read_id}")]
            audit_record(actor=actor, action=actions.NOTICES_READ, purpose="erroneous-data notices",
                         targets=[f"agency:{person.agency.ori}", *shown], result_count=len(notices))
        return notices


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
