/* cpulimit.h — the CPU-time backstop (--max-seconds, a policy call's `seconds`): a timer on
 * the process's CPU clock whose signal writes "admit: time limit reached (...)" and ends
 * the process with status 1 at once, wherever it is (a long C call, a __gc finalizer, a
 * pcall): no Lua code runs, so none can catch it. */
#ifndef ADMIT_CPULIMIT_H
#define ADMIT_CPULIMIT_H

/* The deadline in force: an absolute CPU time (0 = none) and the limit as stated. */
typedef struct cpulimit_saved {
    double deadline, seconds;
} cpulimit_saved;

/* Sets the deadline `seconds` of CPU from now (<= 0: none) and returns the one in force,
 * for cpulimit_restore. A deadline later than the one in force is ignored: a limit can
 * only be tightened. */
cpulimit_saved cpulimit_tighten(double seconds);
void cpulimit_restore(cpulimit_saved saved);
/* The name in the message ("admit"). */
void cpulimit_progname(const char *progname);

#endif
