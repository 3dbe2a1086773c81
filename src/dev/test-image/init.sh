#!/bin/busybox sh
# /init of the Nubis test guest (busybox initramfs). It never leaves the initramfs: it loads the
# virtio drivers, configures NICs by DHCP, reads OpenStack metadata (config drive, else the metadata
# service), runs a shell-script user_data, prints the marker lines of docs/GUEST-MARKERS.md on the
# console, then watches disks and the ACPI power button. As PID 1 it must never exit (kernel panic).

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mkdir -p /proc /sys /dev /tmp /run /mnt/config /etc
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Kernel messages would otherwise land in the middle of marker lines on the same console.
echo 1 > /proc/sys/kernel/printk

# Dependency order (no modules.dep in the image). A missing module is skipped, never fatal.
# insmod returns only after a module's asynchronous probing (e.g. libata's port scan) is done,
# so the devices exist when the next step looks for them.
for m in $(cat /lib/modules/order); do
  [ -f "/lib/modules/$m.ko" ] && insmod "/lib/modules/$m.ko" 2>/dev/null
done

hostname nubis-guest
ip link set lo up

# --- DHCP on every ethernet NIC, in parallel; udhcpc stays behind to renew the lease. -----------
cat > /etc/udhcpc.script <<'EOF'
#!/bin/sh
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set "$interface" up ;;
  bound|renew)
    [ -n "$mtu" ] && ip link set "$interface" mtu "$mtu"
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    if [ -n "$staticroutes" ]; then
      set -- $staticroutes
      while [ $# -ge 2 ]; do ip route replace "$1" via "$2" dev "$interface"; shift 2; done
    fi
    for r in $router; do ip route add default via "$r" dev "$interface" 2>/dev/null; break; done
    [ -n "$dns" ] && { for d in $dns; do echo "nameserver $d"; done > /etc/resolv.conf; } ;;
esac
exit 0
EOF
chmod +x /etc/udhcpc.script

nics=""
for n in /sys/class/net/*; do
  n=${n##*/}
  [ "$n" = lo ] && continue
  [ "$(cat /sys/class/net/$n/type 2>/dev/null)" = 1 ] || continue
  ip link set "$n" up
  nics="$nics $n"
done
# At most 4 discovers 1 s apart per NIC: no NIC or no DHCP server costs a few seconds, no more.
# -b: without an answer udhcpc goes to the background and keeps trying, so a late server still works.
for n in $nics; do
  udhcpc -i "$n" -s /etc/udhcpc.script -t 4 -T 1 -A 3 -b -S -O staticroutes -O mtu -p "/run/udhcpc.$n.pid" >/dev/null 2>&1 &
done
wait

ips() {
  ip -4 -o addr show 2>/dev/null | sed -n 's/^[0-9]*: *\([^ ]*\) .* inet \([0-9.]*\)\/.*/\1 \2/p' |
    while read -r dev addr; do [ "$dev" = lo ] || printf '%s\n' "$addr"; done | paste -s -d, -
}

# --- Metadata: config drive (label config-2) first, else the metadata service. -------------------
meta=/run/meta_data.json
udata=/run/user_data
source=none
dev=$(findfs LABEL=config-2 2>/dev/null)
config_dev=$dev # never marked (disk markers below)
if [ -n "$dev" ] && mount -o ro "$dev" /mnt/config 2>/dev/null; then
  if [ -f /mnt/config/openstack/latest/meta_data.json ]; then
    cp /mnt/config/openstack/latest/meta_data.json "$meta"
    [ -f /mnt/config/openstack/latest/user_data ] && cp /mnt/config/openstack/latest/user_data "$udata"
    source=config-drive
  fi
  umount /mnt/config
fi
if [ "$source" = none ] && [ -n "$(ips)" ]; then
  base=http://169.254.169.254/openstack/latest
  # `timeout`, not wget's own -T: Debian 12's busybox-static wget segfaults whenever -T is given.
  # Three tries, as cloud-init retries: the first answer of a metadata service may be slow.
  for try in 1 2 3; do
    if timeout 3 wget -q -O "$meta" "$base/meta_data.json" 2>/dev/null; then
      source=metadata-service
      timeout 3 wget -q -O "$udata" "$base/user_data" 2>/dev/null || rm -f "$udata"
      break
    fi
    rm -f "$meta"
  done
fi

# Top-level string fields only; enough for "uuid" and "hostname" (no JSON parser in busybox).
json_field() {
  [ -f "$meta" ] || return 0
  tr -d '\n' < "$meta" | grep -o "\"$1\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" | head -n 1 |
    sed 's/.*:[[:space:]]*"\([^"]*\)"$/\1/'
}
uuid=$(json_field uuid)
name=$(json_field hostname)
# Keep what a hostname may hold (OpenStack sends e.g. "vm-1.novalocal"), at most 63 characters.
name=$(printf '%s' "$name" | tr -cd 'A-Za-z0-9.-' | cut -c1-63)
[ -n "$name" ] && hostname "$name"
echo "NUBIS-METADATA source=$source"

if [ -s "$udata" ] && [ "$(head -c 2 "$udata")" = '#!' ]; then
  chmod +x "$udata"
  "$udata" </dev/null
  echo "NUBIS-USER-DATA exit=$?"
fi

# --- ACPI power button: the `button` driver turns it into an input event. -----------------------
# Opened here, before READY, so a power-down requested right after READY is already queued for us.
fd=3
for e in /sys/class/input/event*; do
  [ "$(cat "$e/device/name" 2>/dev/null)" = "Power Button" ] || continue
  ev=/dev/input/${e##*/}
  for i in 1 2 3 4 5 6 7 8 9 10; do [ -c "$ev" ] && break; sleep 0.2; done
  [ "$fd" -le 9 ] || break
  eval "exec $fd<$ev" || continue
  (
    # One event is 24 bytes on x86_64; evdev refuses shorter reads.
    dd of=/dev/null bs=24 count=1 2>/dev/null <&$fd || exit 0
    echo "NUBIS-GUEST-POWERDOWN"
    sync
    poweroff -f
  ) &
  fd=$((fd + 1))
done

echo "NUBIS-GUEST-READY hostname=$(hostname) ips=$(ips) uuid=${uuid:-none}"

# --- Disks: one line per virtio disk now, again whenever one appears, grows or shrinks. ---------
disks() {
  for d in /sys/block/vd*; do
    [ -e "$d/size" ] || continue
    echo "${d##*/}=$(( $(cat "$d/size") * 512 ))"
  done
}
# The disk's serial (a volume's id, first 20 characters); empty for the guest's local disks.
serial_of() { tr -cd 'A-Za-z0-9._-' < "/sys/block/$1/serial" 2>/dev/null; }
# Data markers for a disk that just appeared: a blank one gets a mark written at offset 0, one that
# carries a mark has it read back, so tests see data travel between guests without a shell.
mark_disk() { # $1 name, $2 serial
  [ "/dev/$1" = "$config_dev" ] && return 0
  [ "$(cat "/sys/block/$1/ro" 2>/dev/null)" = 1 ] && return 0
  if [ "$(head -c 512 "/dev/$1" 2>/dev/null | tr -d '\000' | wc -c)" = 0 ]; then
    m="NUBIS-MARK:$(hostname):$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    printf '%s\n' "$m" > /tmp/mark
    dd if=/tmp/mark of="/dev/$1" conv=notrunc,fsync 2>/dev/null && echo "NUBIS-DISK-MARKED name=$1 serial=$2 mark=$m"
    return 0
  fi
  m=$(head -c 200 "/dev/$1" 2>/dev/null | head -n 1 | tr -cd 'A-Za-z0-9:._-')
  case "$m" in NUBIS-MARK:*) echo "NUBIS-DISK-MARK name=$1 serial=$2 mark=$m" ;; esac
}
report_disks() { # $1 previous state, $2 current state
  for e in $2; do
    n=${e%%=*}
    case " $1 " in *" $e "*) continue ;; esac
    s=$(serial_of "$n")
    echo "NUBIS-DISK name=$n bytes=${e#*=}${s:+ serial=$s}"
    case " $1 " in *" $n="*) ;; *) mark_disk "$n" "$s" ;; esac
  done
  for e in $1; do
    n=${e%%=*}
    case " $2 " in *" $n="*) ;; *) echo "NUBIS-DISK-REMOVED name=$n" ;; esac
  done
}
state=$(disks)
report_disks "" "$state"
(
  while sleep 1; do
    now=$(disks)
    [ "$now" = "$state" ] || { report_disks "$state" "$now"; state=$now; }
  done
) &

# A shell on the console only when asked (`nubis.shell` on the kernel command line): its prompt
# would otherwise be written in front of later marker lines.
if grep -qw nubis.shell /proc/cmdline; then
  ( while :; do setsid cttyhack sh -l; sleep 1; done ) &
fi

while :; do sleep 3600; done
