/* Calls in progress: each thread's innermost call is the one piece of
 * thread-local state, because a signal handler has no other way to find
 * it. A call runs with an alternate signal stack (the thread's own if it
 * has one, else one installed for the duration of the call) so the handler
 * can run after a stack overflow. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "jit/rt.h"

#if defined(__SANITIZE_ADDRESS__)
#define JIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JIT_ASAN 1
#endif
#endif
#ifdef JIT_ASAN
void __asan_handle_no_return(void);
#endif

void jit_forget_c_frames(void) {
#ifdef JIT_ASAN
    __asan_handle_no_return();
#endif
}

#if defined(__GNUC__)
#define TLS_MODEL __attribute__((tls_model("initial-exec")))
#else
#define TLS_MODEL
#endif

static _Thread_local jit_call *current_call TLS_MODEL;

jit_call *jit_call_current(void) {
    return current_call;
}

enum { ALT_STACK_SIZE = 1 << 16 };

void jit_call_run(jit_call *c, void (*body)(void *user), void *user) {
    void *alt = NULL;
    stack_t old;
    /* An enclosing call on this thread made sure of an alternate stack. */
    if (!current_call && sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
        stack_t ss;
        memset(&ss, 0, sizeof ss);
        ss.ss_sp = alt = cl_xmalloc(ALT_STACK_SIZE);
        ss.ss_size = ALT_STACK_SIZE;
        if (sigaltstack(&ss, NULL) != 0) {
            free(alt);
            alt = NULL;
        }
    }
    c->prev = current_call;
    c->outcome = JIT_OK;
    c->raised = NULL;
    c->nframes = c->omitted = 0;
    /* Generated frames of this call all lie below this frame. */
    c->stack_top = (uintptr_t)__builtin_frame_address(0);
    current_call = c;
    /* The signal mask is not saved (a system call per call): after a jump
     * from the handler, the one signal it blocked is unblocked. It was not
     * blocked before, or the fault would have ended the process. */
    if (sigsetjmp(c->jb, 0) == 0) {
        body(user);
    } else if (c->outcome == JIT_TRAP || c->outcome == JIT_FAULT) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, c->sig);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    }
    current_call = c->prev;
    if (alt) {
        stack_t off;
        memset(&off, 0, sizeof off);
        off.ss_flags = SS_DISABLE;
        sigaltstack(&off, NULL);
        free(alt);
    }
}

typedef struct thread_job {
    jit_call *call;
    void (*body)(void *user);
    void *user;
} thread_job;

static void *thread_main(void *p) {
    thread_job *job = p;
    jit_call_run(job->call, job->body, job->user);
    return NULL;
}

int jit_call_run_on_stack(jit_call *c, size_t stack_size, void (*body)(void *user), void *user) {
    if (!stack_size) {
        jit_call_run(c, body, user);
        return 0;
    }
    thread_job job = {c, body, user};
    pthread_attr_t attr;
    pthread_t th;
    int rc = pthread_attr_init(&attr);
    if (rc) return rc;
    rc = pthread_attr_setstacksize(&attr, stack_size);
    if (!rc) rc = pthread_create(&th, &attr, thread_main, &job);
    if (!rc) rc = pthread_join(th, NULL);
    pthread_attr_destroy(&attr);
    return rc;
}
