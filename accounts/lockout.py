"""Login lockout with two limits (settings.AXES_HANDLER).

AXES_LOCKOUT_PARAMETERS is `[["username", "ip_address"], "ip_address"]`: django-axes counts the
failures of the pair and of the address alone, but compares the larger with one limit. Here each
count has its own: AXES_FAILURE_LIMIT for one username from one address (a typing user), the
higher AXES_IP_FAILURE_LIMIT for one address across usernames (someone trying many names; a
township office behind one address is not locked out by a few colleagues' typos)."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PairAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if address >= settings.AXES_IP_FAILURE_LIMIT:
            # Reported as at least the pair's limit, which is what axes compares with.
            return max(pair, settings.AXES_FAILURE_LIMIT)
        return pair

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that username's failures from that address only: clearing
        the whole address would let one valid login reset a search through many usernames."""
        pair_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair_attempts.delete()
        return count
