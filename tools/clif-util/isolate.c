/* clif-util: testing a file in a child process under a watchdog. The child
 * reports over a pipe: progress records (the line of the run command it
 * starts) and, at the end, the output and the result. The parent enforces the
 * time limit; a child that crashes, hangs or dies without a result fails the
 * file at the last line it reported, and the run goes on. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cu.h"

enum { REC_PROGRESS = 'L', REC_OUTPUT = 'O', REC_RESULT = 'R' };

static void write_all(int fd, const void *data, size_t n) {
    const char *p = data;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        p += k;
        n -= (size_t)k;
    }
}

static void put_record(int fd, char tag, uint32_t a, const char *text, uint32_t len) {
    char head[9];
    head[0] = tag;
    memcpy(head + 1, &a, 4);
    memcpy(head + 5, &len, 4);
    write_all(fd, head, sizeof head);
    write_all(fd, text, len);
}

static void child_progress(void *arg, uint32_t line) {
    put_record(*(int *)arg, REC_PROGRESS, line, "", 0);
}

static void run_child(int fd, const char *path, const cu_test_opts *o) {
    cu_str out = {0};
    cu_result r = {0};
    cu_test_one_file(path, o, &out, &r, child_progress, &fd);
    put_record(fd, REC_OUTPUT, 0, out.data, out.len);
    put_record(fd, REC_RESULT, r.status | (r.line << 2), r.why.data, r.why.len);
    close(fd);
    vec_free(out);
    vec_free(r.why);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads the child's records until end of file or the deadline (0 = none);
 * returns false on timeout. */
static bool read_records(int fd, double deadline, cu_str *buf) {
    char chunk[4096];
    for (;;) {
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_seconds();
            if (left <= 0) return false;
            wait_ms = (int)(left * 1000) + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int k = poll(&p, 1, wait_ms);
        if (k < 0 && errno == EINTR) continue;
        if (k == 0) continue; /* the deadline check above decides */
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;
        cu_str_add(buf, chunk, (size_t)n);
    }
}

/* Decodes the records; returns whether a result record was seen. */
static bool decode(const cu_str *buf, cu_str *out, cu_result *r, uint32_t *last_line) {
    bool done = false;
    size_t pos = 0;
    while (pos + 9 <= buf->len) {
        char tag = buf->data[pos];
        uint32_t a, len;
        memcpy(&a, buf->data + pos + 1, 4);
        memcpy(&len, buf->data + pos + 5, 4);
        if (pos + 9 + len > buf->len) break;
        const char *text = buf->data + pos + 9;
        if (tag == REC_PROGRESS) *last_line = a;
        if (tag == REC_OUTPUT) cu_str_add(out, text, len);
        if (tag == REC_RESULT) {
            cu_result_set(r, (cu_status)(a & 3), a >> 2, "%.*s", (int)len, text);
            done = true;
        }
        pos += 9 + len;
    }
    return done;
}

void cu_test_isolated(const char *path, const cu_test_opts *o, cu_str *out, cu_result *r) {
    int fds[2];
    char why[128];
    fflush(stdout);
    fflush(stderr);
    if (pipe(fds) != 0) {
        cu_result_set(r, CU_FAIL, 0, "cannot create a pipe: %s",
                      cu_errno_text(errno, why, sizeof why));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        cu_result_set(r, CU_FAIL, 0, "cannot fork: %s", cu_errno_text(errno, why, sizeof why));
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1], path, o);
        exit(0); /* exit, not _exit: the sanitizers' leak check runs at exit */
    }
    close(fds[1]);
    cu_str buf = {0};
    double deadline = o->timeout ? now_seconds() + o->timeout : 0;
    bool finished = read_records(fds[0], deadline, &buf);
    if (!finished) kill(pid, SIGKILL);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    uint32_t line = 0;
    bool reported = decode(&buf, out, r, &line);
    vec_free(buf);
    if (!finished)
        cu_result_set(r, CU_FAIL, line, "timeout: no result after %u s", o->timeout);
    else if (WIFSIGNALED(status))
        cu_result_set(r, CU_FAIL, line, "crashed: signal %d (%s)", WTERMSIG(status),
                      strsignal(WTERMSIG(status)));
    else if (!reported || WEXITSTATUS(status) != 0)
        cu_result_set(r, CU_FAIL, line, "test process exited with status %d%s", WEXITSTATUS(status),
                      reported ? "" : " before reporting");
}
