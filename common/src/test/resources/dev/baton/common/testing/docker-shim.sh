#!/bin/sh
# A stand-in for `docker compose` on a test site reached through a real sshd: it keeps each service's state as a
# file under <project-directory>/.compose/ and answers the subcommands Baton uses, as docker compose v2 does.
#   docker compose --project-directory DIR up -d [SERVICE...]
#   docker compose --project-directory DIR stop [SERVICE...]
#   docker compose --project-directory DIR restart [SERVICE...]
#   docker compose --project-directory DIR ps --services --filter status=running
# The services are the lines of <project-directory>/.compose/services. Every call is appended to
# <project-directory>/.compose/calls with BATON_EPOCH, so a test can see what ran and with which epoch.
set -eu
[ "${1:-}" = compose ] || { echo "docker: only 'docker compose' is emulated" >&2; exit 125; }
shift
dir=.
if [ "${1:-}" = --project-directory ]; then dir=$2; shift 2; fi
state=$dir/.compose
[ -f "$state/services" ] || { echo "no configuration file provided: not found" >&2; exit 14; }
echo "${BATON_EPOCH:-none} $*" >> "$state/calls"
[ ! -e "$state/broken" ] || { echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; }
cmd=${1:-}; [ $# -gt 0 ] && shift
services() { if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat "$state/services"; fi; }
case $cmd in
  up) [ "${1:-}" = -d ] && shift; services "$@" | while read -r s; do touch "$state/running.$s"; echo " Container $s  Started" >&2; done ;;
  stop) services "$@" | while read -r s; do rm -f "$state/running.$s"; echo " Container $s  Stopped" >&2; done ;;
  restart) services "$@" | while read -r s; do touch "$state/running.$s"; echo " Container $s  Started" >&2; done ;;
  ps) cat "$state/services" | while read -r s; do [ ! -e "$state/running.$s" ] || echo "$s"; done ;;
  *) echo "unknown docker command: \"docker compose $cmd\"" >&2; exit 1 ;;
esac
