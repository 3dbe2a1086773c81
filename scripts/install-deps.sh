#!/usr/bin/env bash
# Installs what Nubis needs and is missing: Debian packages, then npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3-openstackclient  # the real `openstack` CLI the compatibility tests drive
  nats-server              # the NATS bus, for scale-out and its tests
  postgresql               # the scale-out database, for its tests
  qemu-utils               # qemu-img: inspects every uploaded image (format, backing files)
  make g++ python3         # better-sqlite3 builds from source
  # the test guest image (nubis dev build-test-image) and the tests that boot it:
  busybox-static           # the guest's whole userland, static (the initramfs has no libc)
  cpio                     # packs the initramfs (newc)
  xz-utils                 # unpacks .ko.xz modules, should the Debian kernel compress them
  fdisk                    # sfdisk partitions the whole-disk image
  extlinux syslinux-common # bootloader and MBR code of the whole-disk image
  qemu-system-x86          # boots the guest in tests (TCG)
  genisoimage              # config-2 drives in tests
  iproute2                 # `ip netns`, bridge and tap: the guest's private network in tests
  dnsmasq-base             # DHCP for that network (-base: the binary only, no system service)
  iputils-ping             # pings the guest from inside that network
  # the network agent's dataplane (bridges, VXLAN, namespaces come with iproute2; dnsmasq serves DHCP):
  nftables                 # nft: security groups (bridge family), router NAT and floating IPs
  iputils-arping           # gratuitous ARP for floating IPs moved between ports
  procps                   # sysctl (forwarding in router namespaces, bridge-nf-call), pgrep in the network tests
  # compute tests: keypairs are checked against the reference tools
  openssh-client           # ssh-keygen: fingerprints and reading the private keys Nubis generates
  openssl                  # reads the x509 certificates Nubis generates
  # dashboard tests: the real browser, driven by playwright-core (npm)
  chromium
  fonts-wqy-microhei       # a small CJK font, so the Chinese pages render in the screenshots
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || { echo "need root to install: ${missing[*]}" >&2; exit 1; }
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Node.js 20 or newer is required" >&2
  exit 1
fi
