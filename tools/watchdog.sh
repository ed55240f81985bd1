#!/usr/bin/env bash
# Runs a command with a time limit; if it is still running at the limit, prints every thread's stack
# of it and of everything it started (gdb, when installed), then kills them all and exits 124.
#
#   tools/watchdog.sh SECONDS command [args...]
#
# `make test` runs the Swift tests under it: a hang then fails the run within the limit with the
# stacks that show where, instead of running into CI's own limit with nothing to go on. The
# command's standard output is line-buffered (stdbuf), so the log's tail is what ran last, not
# what was left in a 4 KB buffer when it was killed.
set -uo pipefail
limit=${1:?usage: tools/watchdog.sh SECONDS command [args...]}
shift

buffered=()
command -v stdbuf >/dev/null && buffered=(stdbuf -oL -eL)
"${buffered[@]}" "$@" &
pid=$!

descendants() {
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

deadline=$((SECONDS + limit))
while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
        all=$(echo $pid $(descendants "$pid"))
        # Killed whatever happens to the report (a closed pipe, an interrupt).
        trap '' PIPE
        trap 'kill -KILL $all 2>/dev/null' EXIT
        echo "watchdog: '$*' still running after ${limit} s; its processes and their threads' stacks follow" >&2
        ps -o pid,ppid,etime,stat,args -p "${all// /,}" >&2 || true
        for p in $all; do
            echo "--- pid $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | cut -c1-200)" >&2
            if command -v gdb >/dev/null; then
                timeout 120 gdb -p "$p" -batch -nx -ex "set pagination off" -ex "thread apply all bt 30" 2>&1 \
                    | grep -E '^(Thread|#)' >&2 || true
            else
                for t in /proc/"$p"/task/*; do
                    echo "thread ${t##*/}: $(cat "$t/comm" 2>/dev/null) wchan=$(cat "$t/wchan" 2>/dev/null)" >&2
                done
            fi
        done
        kill -KILL $all 2>/dev/null
        wait "$pid" 2>/dev/null
        exit 124
    fi
    sleep 2
done
wait "$pid"
