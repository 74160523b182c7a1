# Tasks of the lists and rounds (issue 3): open_due_round, send_round_reminders.
