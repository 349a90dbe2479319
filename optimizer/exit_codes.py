"""Process exit codes of every run (the CLI returns them; run paths decide them)."""

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
EXIT_VERIFY = 5
EXIT_TARGETS_MISSED = 6
EXIT_INTERRUPTED = 7
