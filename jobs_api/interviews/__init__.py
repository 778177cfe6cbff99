"""Interviews on an application: the employer proposes slots, the graduate confirms one or
asks to reschedule; reminders; clash detection across one graduate's interviews."""
