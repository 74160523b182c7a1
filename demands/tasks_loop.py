# Tasks of the closed loop (issue 4): flag_supervision, send_supervision_digest.
