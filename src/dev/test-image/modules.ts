/**
 * Kernel modules copied into the test guest's initramfs, in load order (each after what it
 * depends on: the Debian package has no modules.dep, and busybox insmod resolves nothing).
 * Paths are relative to /lib/modules/<version>/kernel.
 */
export const GUEST_MODULES: readonly string[] = [
  // virtio transport, NIC and disk
  'drivers/virtio/virtio_ring',
  'drivers/virtio/virtio',
  'drivers/virtio/virtio_pci_modern_dev',
  'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci',
  'net/core/failover',
  'drivers/net/net_failover',
  'drivers/net/virtio_net',
  'drivers/block/virtio_blk',
  // a config drive attached as an IDE/SATA cdrom (Nova's default for the pc machine type)
  'drivers/scsi/scsi_common',
  'drivers/scsi/scsi_mod',
  'drivers/ata/libata',
  'drivers/ata/ata_piix',
  'drivers/ata/libahci',
  'drivers/ata/ahci',
  'drivers/cdrom/cdrom',
  'drivers/scsi/sr_mod',
  // config drive filesystems: iso9660 (the usual one) or vfat
  'fs/isofs/isofs',
  'fs/fat/fat',
  'fs/fat/vfat',
  'fs/nls/nls_cp437',
  'fs/nls/nls_ascii',
  // the ACPI power button, delivered as an input event
  'drivers/input/evdev',
  'drivers/acpi/button',
];
