// Starting and reaping child processes without Foundation's Process (see ProcessRunner).
//
// Foundation's Process on Linux detects a child's exit through a socket the child inherits and one
// shared run-loop thread, and its pipes and sockets are not close-on-exec, so a child started at the
// same moment on another thread can inherit them. These calls do the whole start in one
// posix_spawn: every descriptor but 0, 1 and 2 closed in the child, signal mask and dispositions
// reset, and exit detected by the kernel (a pidfd), with a time-out.
#ifndef CSPAWN_H
#define CSPAWN_H

#include <sys/types.h>

/// Starts `file` with `argv` and `envp` (both NULL-terminated). `file` with a '/' is a path,
/// otherwise it is looked up on PATH. `dir` (or NULL) is the child's working directory. `in_fd`,
/// `out_fd`, `err_fd` become its 0, 1, 2; -1 leaves that stream as this process has it. With
/// `own_group` the child leads a new process group (so `cspawn_kill` reaches its own children).
/// Returns 0 and sets `*pid`, or an errno value (ENOENT: no such program).
int cspawn_start(const char *file, char *const argv[], char *const envp[], const char *dir,
                 int in_fd, int out_fd, int err_fd, int own_group, pid_t *pid);

/// Waits for `pid` at most `timeout_ms` milliseconds (< 0: without limit). Returns 0 and the raw
/// wait status in `*status` once it ended (and is reaped), 1 if it is still running at the
/// deadline, or -1 with errno set.
int cspawn_wait(pid_t pid, long long timeout_ms, int *status);

/// SIGKILL to `pid`, or to its whole process group when it was started with `own_group`.
void cspawn_kill(pid_t pid, int own_group);

/// A new anonymous file (deleted, close-on-exec) in `dir` for a child's input or output, or -1
/// with errno set.
int cspawn_tmpfile(const char *dir);

/// The raw wait status taken apart: exit status (or -1) and terminating signal (or 0).
int cspawn_exit_status(int status);
int cspawn_term_signal(int status);

#endif
