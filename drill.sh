#!/usr/bin/env bash
# The Baton demo drill, one command on a fresh machine (JDK 17+, Debian/Ubuntu for the extras):
#   ./drill.sh            build what is needed, start the whole suite against two simulated sites on
#                         127.0.0.1, crash the primary's engine, follow the failover, fail back, and print
#                         the timeline, the figures (detection, fence, RTO, RPO) and the invariant checks.
#   ./drill.sh --keep     keep the logs and site directories afterwards
#   ./drill.sh <scenario> | all | chaos --runs N --seed S
#                         one fault scenario, every scenario once, or N seeded random ones in one world
#                         (docs/DRILL.md)
#   ./drill.sh database --runs 15
#                         the database world: a real PostgreSQL primary and streaming replica under the sites,
#                         the engines committing orders; each database scenario in turn, RPO in rows and seconds
#   ./drill.sh chaos --world netns --runs N --seed S
#                         as root: every place (primary, standby, witness) in a network namespace of its own,
#                         real partitions between them, seeded fault schedules and a history checker
# Needs Knot DNS (knotd) for the authoritative nameservers and curl (or wget) for the engines' start gate;
# the sites run Debian's OpenSSH sshd (openssh-server) when it is installed, else an embedded SSH server
# (BATON_DRILL_SSH=openssh|mina chooses); all installed here with apt-get when run as root.
# PostgreSQL refuses to run as root, so as root the drill runs as an unprivileged user (baton-ci).
set -euo pipefail
cd "$(dirname "$0")"
root_dir=$(pwd)

# knotd: the authoritative nameservers; curl: the sites' engine start gate (deploy/site/baton-gate) asks the
# coordinator with curl (or wget)
need=()
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || need+=(knot)
command -v curl >/dev/null 2>&1 || need+=(curl)
# the sites' SSH server, as users run it (the report says which one ran): installed when we can, else the
# embedded server stands in
if [ "${BATON_DRILL_SSH:-auto}" != mina ] && ! { [ -x /usr/sbin/sshd ] && command -v ssh-keyscan >/dev/null 2>&1; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    need+=(openssh-server openssh-client)
  else
    echo "drill: no OpenSSH server here (sudo apt-get install openssh-server): the sites use the embedded SSH server"
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "drill: installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "drill: missing ${need[*]}; install the Debian package(s) (sudo apt-get install ${need[*]})" >&2
    exit 2
  fi
fi

run() {
  if [ "$(id -u)" = 0 ]; then
    id baton-ci >/dev/null 2>&1 || useradd --create-home --shell /bin/bash baton-ci
    chown -R baton-ci "$root_dir"
    # setpriv, not runuser: it becomes the command itself, so a Ctrl-C reaches the drill's JVM, whose shutdown hook
    # stops the world it started (runuser/su SIGKILL their child 2 s after a signal: the world would be left running)
    setpriv --reuid=baton-ci --regid=baton-ci --init-groups env HOME=/home/baton-ci "$@"
  else
    "$@"
  fi
}

# --world netns: every place in a network namespace of its own; it needs root (ip netns) and runs as root, so its
# database is Debian's PostgreSQL server run as the postgres account (PostgreSQL refuses root)
netns=false
database=false
prev=""
for a in "$@"; do
  [ "$prev" = --world ] && [ "$a" = netns ] && netns=true
  case $a in database|db-*) database=true ;; esac
  prev=$a
done
if { $netns || $database; } && [ "$(id -u)" = 0 ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "drill: installing postgresql (the namespace world's database; the database world's primary and replica)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

echo "drill: building Baton (first run downloads Maven and dependencies; a few minutes)"
run "$root_dir/mvnw" -B -q package -DskipTests
classpath="$root_dir/drill/target/classes:$(cat "$root_dir/drill/target/drill.classpath")"
if $netns; then
  # as root when we are (not root: the drill says in one line why the namespace world cannot run, and exits 2)
  java -Xmx512m -cp "$classpath" dev.baton.drill.DrillMain --repo "$root_dir" "$@"
else
  run java -Xmx512m -cp "$classpath" dev.baton.drill.DrillMain --repo "$root_dir" "$@"
fi
