"""Every write to the 督办 ledger: 催办 by hand and their answers
(urges.py), the joint office's decisions (office.py), the daily reminder
ladder (ladder.py)."""
