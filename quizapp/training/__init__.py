"""Training done elsewhere: evidence checks, recording, approval, group sessions, the CPD ledger and evidence packs."""
