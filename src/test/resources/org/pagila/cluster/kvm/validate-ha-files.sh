#!/bin/bash
# Runs inside `unshare --net --mount --propagation private` (a network and mount namespace of the test's own; nothing
# here reaches the host's network or file systems): the VMs' addresses go on this namespace's loopback, the three etcd
# members start from the generated /etc/default/etcd files and must form a quorum, then Patroni's own validator
# checks every generated patroni.yml against that etcd. PostgreSQL 17's bin_dir exists on the VMs only: here the
# installed PostgreSQL's bin directory is bind-mounted at that path (the validator checks that the programs are there).
# Usage: validate-ha-files.sh RENDER_DIR BIN_DIR_ON_VMS LOCAL_BIN_DIR ADDRESS... ; prints one line per check (the
# caller judges them: a broken-patroni.yml beside the rendered files must come out INVALID).
set -euo pipefail
dir=$1 vm_bin=$2 local_bin=$3
shift 3
ip link set lo up
for address in "$@"; do ip addr add "$address/32" dev lo; done

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for defaults in "$dir"/ha-*/etc/default/etcd; do
  member=$(basename "$(dirname "$(dirname "$(dirname "$defaults")")")")
  # the generated file as etcd.service reads it (EnvironmentFile), with the data directory moved to scratch space
  ( set -a; . "$defaults"; ETCD_DATA_DIR="$dir/etcd-data-$member"; exec etcd ) >"$dir/etcd-$member.log" 2>&1 &
  pids+=($!)
done
endpoints=$(grep -h '^ETCD_ADVERTISE_CLIENT_URLS=' "$dir"/ha-*/etc/default/etcd | cut -d= -f2 | paste -sd, -)
for i in $(seq 1 60); do
  if etcdctl --endpoints="$endpoints" endpoint health >"$dir/etcd-health.txt" 2>&1; then break; fi
  sleep 0.5
done
cat "$dir/etcd-health.txt"
etcdctl --endpoints="$endpoints" endpoint health >/dev/null
echo "etcd members: $(etcdctl --endpoints="$endpoints" member list | wc -l)"
if grep -h -i 'unrecognized environment\|unknown flag' "$dir"/etcd-*.log; then echo "etcd refused a setting"; exit 3; fi

# keep the local binaries reachable, then lay a tmpfs over the versions' parent (e.g. /usr/lib/postgresql): the
# PostgreSQL 17 path exists in this namespace only, nothing is created on the host's file system
mkdir -p "$dir/local-bin"
mount --bind "$local_bin" "$dir/local-bin"
versions=$(dirname "$(dirname "$vm_bin")")
mount -t tmpfs tmpfs "$versions"
mkdir -p "$vm_bin"
mount --bind "$dir/local-bin" "$vm_bin"

for config in "$dir"/ha-*/etc/patroni/config.yml "$dir"/broken-patroni.yml; do
  [ -f "$config" ] || continue
  if out=$(patroni --validate-config "$config" 2>&1); then
    echo "patroni --validate-config $config: valid"
  else
    echo "patroni --validate-config $config: INVALID"
    echo "$out"
  fi
done
