"""Local doubles of the outside world (secure relay, Digital Post), for tests and ``mailvagt demo``."""
