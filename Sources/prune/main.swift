// Entry point: parse, run, and turn every failure into one line on stderr and a documented
// exit status (README "Exit codes"). User errors never print a stack trace.
PruneCommand.runAsProcess()
