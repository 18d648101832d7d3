/* cstack.c — see cstack.h. */
#define _GNU_SOURCE
#include "cstack.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>

/* The stack of the Lua thread, and how much of it script code may use: the rest is room
 * for the C work between two checks (at most Lua's own 200 nested C calls, several times
 * bigger under AddressSanitizer). */
#define STACK_BYTES ((size_t)512 << 20)
#define SCRIPT_BYTES ((size_t)64 << 20)
#define ALTSTACK_BYTES ((size_t)64 << 10)

static uintptr_t stack_top;     /* highest address of the Lua thread's stack */
static uintptr_t stack_floor;   /* below it, cstack_check raises */
static uintptr_t guard_low, guard_high;  /* where a fault means the stack overflowed */
static char overflow_message[160];
static size_t overflow_length;
static struct sigaction previous_segv;

struct job {
    int (*fn)(void *);
    void *arg;
    int result;
};

void cstack_check(lua_State *L)
{
    char here;
    if (stack_floor && (uintptr_t)&here < stack_floor)
        luaL_error(L, "C stack overflow (a script nests calls through C functions too deeply)");
}

/* SIGSEGV on the alternate stack: a fault in the guard zone below the Lua thread's stack
 * is an overflow; say so and exit 1 (async-signal-safe). Any other fault is a bug: the
 * previous handler (AddressSanitizer's, or the default) reports it. */
static void on_segv(int sig, siginfo_t *info, void *uctx)
{
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (guard_high && addr >= guard_low && addr < guard_high) {
        ssize_t w = write(2, overflow_message, overflow_length);
        (void)w;
        _exit(1);
    }
    if (previous_segv.sa_flags & SA_SIGINFO) {
        previous_segv.sa_sigaction(sig, info, uctx);
        return;
    }
    if (previous_segv.sa_handler != SIG_DFL && previous_segv.sa_handler != SIG_IGN) {
        previous_segv.sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void *thread_main(void *p)
{
    struct job *job = p;
    static char altstack[ALTSTACK_BYTES];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
    pthread_attr_t attr;
    void *addr;
    size_t size;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            stack_top = (uintptr_t)addr + size;
            stack_floor = stack_top - SCRIPT_BYTES;
            /* the guard page(s) and a margin below them */
            guard_low = (uintptr_t)addr > ((uintptr_t)1 << 20) ? (uintptr_t)addr - ((uintptr_t)1 << 20) : 0;
            guard_high = (uintptr_t)addr + 65536;
        }
        pthread_attr_destroy(&attr);
    }
    stack_t before;                          /* AddressSanitizer's own, given back at the end */
    int have_before = sigaltstack(NULL, &before) == 0;
    if (sigaltstack(&ss, NULL) == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, &previous_segv);
    }
    job->result = job->fn(job->arg);
    stack_floor = 0;
    if (have_before)
        sigaltstack(&before, NULL);
    return NULL;
}

int cstack_run(int (*fn)(void *), void *arg, const char *progname)
{
    struct job job = { fn, arg, 0 };
    int n = snprintf(overflow_message, sizeof overflow_message,
                     "%s: C stack overflow: the script nests calls too deeply\n", progname);
    overflow_length = n > 0 && (size_t)n < sizeof overflow_message ? (size_t)n : 0;
    pthread_attr_t attr;
    pthread_t thread;
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, STACK_BYTES) == 0
        && pthread_create(&thread, &attr, thread_main, &job) == 0) {
        pthread_attr_destroy(&attr);
        /* signals for the process (Ctrl-C, the CPU timer) go to the Lua thread, whose
         * blocking reads they must interrupt, never to this one waiting */
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);
        pthread_join(thread, NULL);
        return job.result;
    }
    return fn(arg);
}
