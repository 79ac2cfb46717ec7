#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying the job scripts (Debian 12: slurm-wlm 22.05,
# munge). Needs root. Everything lives under $SLURM_LOCAL (default /tmp/slurm-local).
#   Scripts/cluster/local-slurm.sh start     # installs the packages if missing, starts munged, slurmctld, slurmd
#   Scripts/cluster/local-slurm.sh stop
set -euo pipefail
SLURM_LOCAL="${SLURM_LOCAL:-/tmp/slurm-local}"
CPUS="${CPUS:-$(nproc)}"
host=$(hostname -s)
case "${1:-start}" in
start)
    command -v slurmctld > /dev/null && command -v munged > /dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge > /dev/null; }
    mkdir -p "$SLURM_LOCAL"/{state,spool,log} /etc/munge /run/munge /var/lib/munge /var/log/munge
    [ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chmod 400 /etc/munge/munge.key
    pgrep -x munged > /dev/null || munged --force
    memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
    cat > "$SLURM_LOCAL/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$SLURM_LOCAL/state
SlurmdSpoolDir=$SLURM_LOCAL/spool
SlurmctldPidFile=$SLURM_LOCAL/slurmctld.pid
SlurmdPidFile=$SLURM_LOCAL/slurmd.pid
SlurmctldLogFile=$SLURM_LOCAL/log/slurmctld.log
SlurmdLogFile=$SLURM_LOCAL/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$CPUS RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$SLURM_LOCAL/slurm.conf"
    slurmctld -c -f "$SLURM_CONF"
    slurmd -f "$SLURM_CONF"
    for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break; sleep 1; done
    sinfo
    echo "export SLURM_CONF=$SLURM_CONF   # in your shell, before sbatch"
    ;;
stop)
    scancel --full --user=root 2> /dev/null || true
    for pid in "$SLURM_LOCAL/slurmd.pid" "$SLURM_LOCAL/slurmctld.pid"; do [ -f "$pid" ] && kill "$(cat "$pid")" 2> /dev/null || true; done
    ;;
esac
