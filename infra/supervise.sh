#!/bin/sh
# Runs a command and starts it again whenever it dies by itself (a crash, a SIGKILL, an "Unrecoverable
# error" of the Celery worker when its broker restarts: kombu's Redis transport can fail to reconnect).
# It stops, and stops the command, when it is asked to (TERM/INT to it or its process group), or when the
# command exits 0 (a clean shutdown). Used by the Procfile's worker; in containers the orchestrator's
# restart policy does the same (infra/compose.yaml: restart: unless-stopped).
child=""
stopping=""
stop() { stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; }
trap stop TERM INT
while :; do
  "$@" &
  child=$!
  wait "$child"; code=$?
  # wait returns early when a trapped signal arrives: wait again for the command to finish
  while kill -0 "$child" 2>/dev/null; do wait "$child"; code=$?; done
  [ -n "$stopping" ] && exit 0
  [ "$code" -eq 0 ] && exit 0
  echo "supervise: '$1' ended with $code; starting it again in 1 s" >&2
  sleep 1
  [ -n "$stopping" ] && exit 0
done
