#!/bin/bash
# The chaos test's job command: logs its start, a heartbeat every 100 ms and its end to the file $1
# (appending, one line per event, with O_APPEND), then exits 3 while ETCRON_ATTEMPT <= $3, else 0.
# Usage: command.sh LOG SECONDS FAILING_ATTEMPTS
log=$1 secs=$2 fail=${3:-0}
id="$ETCRON_JOB $ETCRON_RUN_ID ${ETCRON_ATTEMPT:-1} ${ETCRON_FENCING_TOKEN:-0} ${ETCRON_WORKER:--} $$"
say() { printf '%s %s %s%s\n' "$1" "${EPOCHREALTIME/,/.}" "$id" "$2" >>"$log"; }
# A pipe nobody writes to: `read -t` on it sleeps without starting a process.
exec {nap}<> <(:)
exec </dev/null >/dev/null 2>&1
say start
(while kill -0 $$ 2>/dev/null; do say hb; read -r -t 0.1 -u $nap; done) &
beat=$!
trap 'kill $beat; say term; exit 143' TERM
read -r -t "$secs" -u $nap
code=0
((${ETCRON_ATTEMPT:-1} <= fail)) && code=3
kill $beat
say end " $code"
exit $code
