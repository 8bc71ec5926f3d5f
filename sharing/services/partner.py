"""What a partner search leaves behind: the count for the monthly report and the share register."""

from audit.context import Actor
from core.compliance import enforces
from retention.services import read_share_register
from sharing.models import PartnerPerson, PartnerSearch


@enforces("SHR-5", "RET-5")
def partner_search_record(
    *,
    actor: Actor,
    person: PartnerPerson,
    purpose: str,
    case_number: str,
    description: str,
    plate_query: str,
    result_count: int,
    read_ids: list[int],
    page: int = 1,
    continues_search: bool = False,
) -> PartnerSearch:
    """Count one partner search (SHR-5) and register every read it returned as shared with the agency,
    so a read later confirmed erroneous reaches it (RET-5). Runs inside the search's transaction."""
    search = PartnerSearch.objects.create(
        agency=person.agency,
        person=person,
        purpose=purpose,
        case_number=case_number,
        description=description,
        plate_query=plate_query,
        result_count=result_count,
        page=page,
        continues_search=continues_search,
    )
    for read_id in read_ids:
        read_share_register(
            actor=actor,
            read_id=read_id,
            agency_name=person.agency.name,
            agency_ori=person.agency.ori,
            reference=f"partner-search:{search.pk}",
        )
    return search
