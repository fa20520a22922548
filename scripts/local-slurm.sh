#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the integration test and for trying the Slurm
# executor: installs Debian's slurm-wlm and munge when absent (needs root), writes a config for
# this host alone, and starts munged, slurmctld and slurmd.
#
#   scripts/local-slurm.sh start    install if needed, configure, start; wait until the node is idle
#   scripts/local-slurm.sh stop     stop the daemons (the packages stay installed)
#   scripts/local-slurm.sh status   print the daemons and sinfo
set -euo pipefail

STATE=/var/lib/diffusion-lab-slurm
CONF=/etc/slurm/slurm.conf

log() { echo "local-slurm: $*"; }

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "must run as root (it installs packages and starts system daemons)" >&2
    exit 2
  fi
}

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
      && command -v munged >/dev/null && command -v sbatch >/dev/null; then
    return
  fi
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
}

configure() {
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  # Leave the machine some memory; Slurm refuses a node that reports less than configured.
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" /var/log/slurm /run/munge /var/lib/munge \
    /var/log/munge
  cat >"$CONF" <<EOF
# Written by scripts/local-slurm.sh: one node, this host.
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
MinJobAge=600
DefMemPerCPU=2000
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MessageTimeout=20
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  if [ ! -s /etc/munge/munge.key ]; then
    head -c 1024 /dev/urandom >/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge
  chmod 0400 /etc/munge/munge.key
  chmod 0755 /run/munge
}

running() { pgrep -x "$1" >/dev/null; }

start() {
  need_root
  install
  configure
  if ! running munged; then
    su -s /bin/sh munge -c /usr/sbin/munged
  fi
  running slurmctld || /usr/sbin/slurmctld
  running slurmd || /usr/sbin/slurmd
  local host
  host=$(hostname -s)
  for _ in $(seq 1 60); do
    state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
    case "$state" in
      idle* | mixed* | allocated*)
        log "node $host is $state"
        return
        ;;
      down* | drain*)
        scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
        ;;
    esac
    sleep 1
  done
  log "the node did not come up; see /var/log/slurm/" >&2
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  exit 1
}

stop() {
  need_root
  # The pid files name exactly the daemons this script started.
  for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
    if [ -s "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  if [ -s /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  fi
  for _ in $(seq 1 20); do
    running slurmctld || running slurmd || break
    sleep 0.5
  done
  log "stopped"
}

status() {
  for daemon in munged slurmctld slurmd; do
    if running "$daemon"; then echo "$daemon: running"; else echo "$daemon: stopped"; fi
  done
  sinfo 2>/dev/null || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
