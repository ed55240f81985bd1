#define _GNU_SOURCE
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int cspawn_start(const char *file, char *const argv[], char *const envp[], const char *dir,
                 int in_fd, int out_fd, int err_fd, int own_group, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    // dup2 onto 0-2 clears close-on-exec on the copy; a source that is already the target is left.
    const int from[3] = {in_fd, out_fd, err_fd};
    for (int target = 0; target < 3 && !rc; target++) {
        if (from[target] >= 0 && from[target] != target) rc = posix_spawn_file_actions_adddup2(&actions, from[target], target);
    }
    if (!rc && dir) rc = posix_spawn_file_actions_addchdir_np(&actions, dir);
    // Nothing else of this process reaches the child, whatever another thread opened meanwhile.
    if (!rc) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    // A thread of a pool may block signals; the child starts with none blocked and the usual
    // dispositions, as from a shell.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    const int reset[] = {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++) sigaddset(&defaults, reset[i]);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (own_group) flags |= POSIX_SPAWN_SETPGROUP;
    if (!rc) rc = posix_spawnattr_setsigmask(&attr, &none);
    if (!rc) rc = posix_spawnattr_setsigdefault(&attr, &defaults);
    if (!rc && own_group) rc = posix_spawnattr_setpgroup(&attr, 0);
    if (!rc) rc = posix_spawnattr_setflags(&attr, flags);
    if (!rc) {
        rc = strchr(file, '/') ? posix_spawn(pid, file, &actions, &attr, argv, envp)
                               : posix_spawnp(pid, file, &actions, &attr, argv, envp);
    }
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int reap(pid_t pid, int *status) {
    for (;;) {
        pid_t r = waitpid(pid, status, 0);
        if (r == pid) return 0;
        if (r < 0 && errno != EINTR) return -1;
    }
}

int cspawn_wait(pid_t pid, long long timeout_ms, int *status) {
    if (timeout_ms < 0) return reap(pid, status);
    const long long deadline = now_ms() + timeout_ms;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0) {
        for (;;) {
            long long left = deadline - now_ms();
            if (left < 0) left = 0;
            struct pollfd p = {.fd = pidfd, .events = POLLIN};
            int n = poll(&p, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
            if (n > 0) {
                close(pidfd);
                return reap(pid, status);
            }
            if (n == 0 && now_ms() >= deadline) {
                close(pidfd);
                return 1;
            }
            if (n < 0 && errno != EINTR) {
                int e = errno;
                close(pidfd);
                errno = e;
                return -1;
            }
        }
    }
#endif
    // No pidfd (a kernel before 5.3): look every few milliseconds.
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid) return 0;
        if (r < 0 && errno != EINTR) return -1;
        if (now_ms() >= deadline) return 1;
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

void cspawn_kill(pid_t pid, int own_group) {
    kill(own_group ? -pid : pid, SIGKILL);
}

int cspawn_tmpfile(const char *dir) {
#ifdef O_TMPFILE
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
#endif
    // A file system without O_TMPFILE: a named file, removed at once.
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (!path) return -1;
    snprintf(path, n, "%s/.fpgarun-child-XXXXXX", dir);
    int fd2 = mkostemp(path, O_CLOEXEC);
    if (fd2 >= 0) unlink(path);
    free(path);
    return fd2;
}

int cspawn_exit_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
int cspawn_term_signal(int status) { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }
