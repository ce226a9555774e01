/* The process-wide trap signal handler: installed for SIGILL, SIGSEGV,
 * SIGBUS and SIGFPE while at least one JIT lives (a count under a mutex),
 * then the previous handlers are put back. A fault in generated code of the
 * thread's call in progress becomes a trap code (or a fault outcome) and
 * jumps back to the call; any other signal goes to the previous handler.
 * The handler is async-signal-safe: it reads the thread's current call,
 * binary-searches the code map, walks frames and calls siglongjmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "support/syserr.h"
#include "jit/rt.h"

static const int trap_signals[] = {SIGILL, SIGSEGV, SIGBUS, SIGFPE};
#define NSIGS ((int)(sizeof trap_signals / sizeof trap_signals[0]))

/* The registration: the one piece of global mutable state, written under
 * the mutex; the handler only reads `previous`. */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t holders;
static struct sigaction previous[NSIGS];

/* A fault this close to the stack pointer is a stack overflow. */
#define STACK_OVERFLOW_WINDOW ((uintptr_t)64 << 10)

static void chain(int idx, int sig, siginfo_t *si, void *uctx) {
    const struct sigaction *p = &previous[idx];
    if (p->sa_flags & SA_SIGINFO) {
        p->sa_sigaction(sig, si, uctx);
        return;
    }
    bool sent = si->si_code <= 0; /* kill(), raise(), sigqueue(): not a fault */
    if (p->sa_handler == SIG_IGN && sent) return;
    if (p->sa_handler == SIG_DFL || p->sa_handler == SIG_IGN) {
        /* The default action: a fault happens again on return, a sent
         * signal is sent again (it is blocked until the handler returns). */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
        if (sent) raise(sig);
        return;
    }
    p->sa_handler(sig);
}

static void on_signal(int sig, siginfo_t *si, void *uctx) {
    int saved_errno = errno;
    int idx = 0;
    while (idx < NSIGS - 1 && trap_signals[idx] != sig)
        idx++;
    jit_call *c = jit_call_current();
#if defined(__x86_64__) && defined(__linux__)
    const ucontext_t *uc = uctx;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
    const jit_code_info *ci = c && c->outcome == JIT_OK ? jit_codemap_find(c->map, pc) : NULL;
#else
    uintptr_t pc = 0, sp = 0, fp = 0;
    const jit_code_info *ci = NULL;
#endif
    if (!ci) {
        chain(idx, sig, si, uctx);
        errno = saved_errno;
        return;
    }
    uintptr_t addr = (uintptr_t)si->si_addr;
    clif_trap_code code;
    if ((sig == SIGSEGV || sig == SIGBUS) && addr + STACK_OVERFLOW_WINDOW >= sp &&
        addr <= sp + STACK_OVERFLOW_WINDOW)
        code = CLIF_TRAP_STACK_OVERFLOW;
    else
        code = jit_code_trap_at(ci, (uint32_t)(pc - ci->start));
    c->sig = sig;
    c->pc = pc;
    c->addr = addr;
    c->code = code;
    c->outcome = code != CLIF_TRAP_NONE ? JIT_TRAP : JIT_FAULT;
    jit_bt_from_fault(c, pc, fp, sp);
    errno = saved_errno;
    siglongjmp(c->jb, 1);
}

static bool ours(const struct sigaction *sa) {
    return (sa->sa_flags & SA_SIGINFO) && sa->sa_sigaction == on_signal;
}

/* Installs the handler for every trap signal where it is not installed
 * (first holder, or someone replaced it since), saving what was there. */
static clif_error *install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIGS; i++) {
        struct sigaction cur;
        if (sigaction(trap_signals[i], NULL, &cur) != 0 || ours(&cur)) continue;
        previous[i] = cur;
        if (sigaction(trap_signals[i], &sa, NULL) != 0) {
            clif_location none = {NULL, 0, 0};
            return clif_error_new(CLIF_ERR_HOST, none, "cannot install the trap signal handler: %s",
                                  sup_strerror(errno, (char[96]){0}, 96));
        }
    }
    return NULL;
}

clif_error *jit_signals_acquire(void) {
    pthread_mutex_lock(&reg_lock);
    clif_error *err = install();
    if (!err) holders++;
    pthread_mutex_unlock(&reg_lock);
    return err;
}

void jit_signals_release(void) {
    pthread_mutex_lock(&reg_lock);
    if (holders > 0 && --holders == 0) {
        for (int i = 0; i < NSIGS; i++) {
            /* Put the previous handler back unless someone replaced ours. */
            struct sigaction cur;
            if (sigaction(trap_signals[i], NULL, &cur) == 0 && ours(&cur))
                sigaction(trap_signals[i], &previous[i], NULL);
        }
    }
    pthread_mutex_unlock(&reg_lock);
}

uint32_t jit_signals_holders(void) {
    pthread_mutex_lock(&reg_lock);
    uint32_t n = holders;
    pthread_mutex_unlock(&reg_lock);
    return n;
}
