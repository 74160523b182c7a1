"""Writes for the stations app (HackSoft style): the roster, the duty day, swaps. Import from here."""

from stations.services.duty import (  # noqa: F401
    calendar_token_for,
    calendar_token_regenerate,
    ical_feed,
    pool_set_member,
    shift_check_in,
    shift_check_out,
    shift_save_note,
    shifts_mark_absent,
    shifts_send_reminders,
)
from stations.services.roster import (  # noqa: F401
    RosterResult,
    leave_add,
    leave_change,
    leave_withdraw,
    org_users,
    roster_confirm_week,
    roster_generate,
    roster_horizon,
    roster_notify,
    station_managers,
)
from stations.services.swaps import (  # noqa: F401
    swap_accept,
    swap_approve,
    swap_cancel,
    swap_decline,
    swap_problems,
    swap_propose,
    swap_reject,
)
