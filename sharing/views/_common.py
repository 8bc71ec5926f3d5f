"""Who may open which sharing page, said once; the shared redirect helper."""
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.decorators import capability_required
from sharing.permissions import APPROVE_ONLINE_SHARING, HANDLE_RECORDS_REQUESTS, REVIEW_SHARING

reviewer_only = capability_required(REVIEW_SHARING, doing="review sharing with other agencies")
records_only = capability_required(HANDLE_RECORDS_REQUESTS, doing="handle public-records requests")
# Online sharing: the Chief decides (Oak Park GO 4-68 VII.D); the reviewer asks; either switches it off.
online_sharing_deciders = capability_required(APPROVE_ONLINE_SHARING,
                                              doing="decide online sharing with other agencies")
sharing_switchers = capability_required(REVIEW_SHARING, APPROVE_ONLINE_SHARING,
                                        doing="switch partner searches for an agency")
records_intake = capability_required(REVIEW_SHARING, HANDLE_RECORDS_REQUESTS,
                                     doing="record requests from outside law enforcement")


def back_to(request, default: str, **kwargs):
    """Redirect to the form's `next` page when it is ours, else to `default`."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(back)
    return redirect(default, **kwargs)
