/* cpulimit.c — see cpulimit.h. One POSIX timer on CLOCK_PROCESS_CPUTIME_ID (worker threads
 * count too), armed at an absolute deadline; nested deadlines are put back by the caller. */
#define _GNU_SOURCE
#include "cpulimit.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static timer_t timer;
static int have_timer = 0;
static double deadline_now = 0;      /* absolute CPU seconds, 0 = none */
static char message[200];
static volatile size_t message_length = 0;

static void on_timeout(int sig)
{
    (void)sig;
    ssize_t w = write(2, message, message_length);
    (void)w;
    _exit(1);
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int ensure_timer(void)
{
    if (have_timer)
        return 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_timeout;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGXCPU, &sa, NULL) != 0)
        return 0;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGXCPU;
    if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &timer) != 0)
        return 0;
    have_timer = 1;
    return 1;
}

static const char *name = "admit";
static double seconds_now = 0;

void cpulimit_progname(const char *progname)
{
    name = progname;
}

/* The message is made here: the handler may only write it. */
static void arm(double deadline, double seconds)
{
    int n = snprintf(message, sizeof message,
                     "%s: time limit reached (%g s of CPU time): the run was stopped\n",
                     name, seconds);
    message_length = n > 0 && (size_t)n < sizeof message ? (size_t)n : 0;
    struct itimerspec it;
    memset(&it, 0, sizeof it);
    if (deadline > 0) {
        it.it_value.tv_sec = (time_t)deadline;
        it.it_value.tv_nsec = (long)((deadline - (double)(time_t)deadline) * 1e9);
        if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0)
            it.it_value.tv_nsec = 1;
    }
    timer_settime(timer, TIMER_ABSTIME, &it, NULL);
    deadline_now = deadline;
    seconds_now = seconds;
}

cpulimit_saved cpulimit_tighten(double seconds)
{
    cpulimit_saved previous = { deadline_now, seconds_now };
    if (!(seconds > 0) || !ensure_timer())
        return previous;
    double deadline = cpu_now() + seconds;
    if (previous.deadline > 0 && deadline >= previous.deadline)
        return previous;
    arm(deadline, seconds);
    return previous;
}

void cpulimit_restore(cpulimit_saved saved)
{
    if (have_timer && saved.deadline != deadline_now)
        arm(saved.deadline, saved.seconds);
}
