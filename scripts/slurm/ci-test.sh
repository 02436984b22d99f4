#!/usr/bin/env bash
# CI test of the Slurm path: installs Slurm and munge from Debian packages,
# starts a single-node cluster on this machine, submits a job array of shards
# and the dependent merge with submit.sh, and checks with `frontline diff`
# that the merged result is byte-identical to a local run of the same runs.
# Needs root (as CI and the developers' machines have). Stops the daemons it
# started and puts back any /etc/slurm/slurm.conf it replaced; the munge key it
# may have created stays (a later munge needs one anyway).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/target/release/frontline"
[ -x "$bin" ] || (cd "$root" && cargo build --release -p frontline-runner)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi

work="$(mktemp -d /tmp/frontline-slurm.XXXXXX)"
host="$(hostname)"
cpus="$(nproc)"
conf_dir=/etc/slurm
mkdir -p "$conf_dir" "$work/spool/d" "$work/spool/ctld" "$work/log"

# An existing Slurm configuration is put back afterwards.
saved_conf=""
if [ -f "$conf_dir/slurm.conf" ]; then
  saved_conf="$work/slurm.conf.saved"
  cp -p "$conf_dir/slurm.conf" "$saved_conf"
fi
munge_pid=/run/munge/frontline-ci-munged.pid

cleanup() {
  for pid in "$work/slurmd.pid" "$work/slurmctld.pid" "$munge_pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  rm -f "$munge_pid"
  if [ -n "$saved_conf" ]; then
    cp -p "$saved_conf" "$conf_dir/slurm.conf"
  else
    rm -f "$conf_dir/slurm.conf"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting munge"
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
# munged writes its pid file as user munge, so it goes in /run/munge.
runuser -u munge -- munged --pid-file="$munge_pid" --force
sleep 1

echo "== starting slurm ($host, $cpus CPUs)"
cat > "$conf_dir/slurm.conf" <<CONF
ClusterName=frontline-ci
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmUser=root
SlurmdUser=root
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/spool/ctld
SlurmdSpoolDir=$work/spool/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
slurmd
for _ in $(seq 1 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break
  sleep 1
done
sinfo

echo "== submitting 4 shards and the merge"
scenario="$root/scenarios/two-faction-line.toml"
runs=600 seed=7
cd "$work"
read -r array merge < <(FRONTLINE="$bin" "$root/scripts/slurm/submit.sh" \
  -s "$scenario" -r "$runs" -n 4 -S "$seed" -o "$work/merged.json" -p "$work/parts")
echo "array job $array, merge job $merge"
for _ in $(seq 1 180); do
  if ! squeue -h -j "$array,$merge" 2>/dev/null | grep -q .; then break; fi
  sleep 1
done
ls "$work/parts"
if [ ! -s "$work/merged.json" ]; then
  echo "the merge did not produce a result" >&2
  cat "$work"/*.out "$work/log/slurmctld.log" >&2 || true
  exit 1
fi

echo "== comparing with a local run"
"$bin" run "$scenario" --runs "$runs" --seed "$seed" --format json --quiet > "$work/local.json"
"$bin" diff "$work/merged.json" "$work/local.json"
echo "slurm: merged result identical to the local run"
