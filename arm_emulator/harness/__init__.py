"""What tests, scripts and benchmarks use to set up and drive the emulator: in the server, the named seeds
(:mod:`.seed`, :mod:`.many_clusters`) and the admin API under ``/_emulator/`` (:mod:`.admin`); from outside it, the
process (:mod:`.control`) and a real ``az`` logged in to it (:mod:`.azcli`)."""
