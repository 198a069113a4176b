#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# passthrough-prep-vfio-bind: hands exactly the reserved PCI functions to
# vfio-pci, by address, before a GPU driver can claim them. PassthroughPrep
# writes it for a GPU that has an identical twin the host keeps, where
# vfio-pci.ids would take both cards; the initramfs runs it early, and
# modprobe runs it before it loads vfio-pci.
#
# The functions come from the kernel command line when it says
#   passthrough_prep.vfio_addresses=0000:0d:00.0@1002:73bf,0000:0d:00.1@1002:ab28
# (an empty value binds nothing: a way out at the boot menu), else from the
# file PassthroughPrep writes, one ADDRESS@VENDOR:DEVICE a line. A function
# is taken only while the device at that address has that vendor:device ID:
# a card moved to another slot is never taken by surprise.
#
# The places it reads and writes can be moved for tests; these are the real ones.
sysfs=${PASSTHROUGH_PREP_SYSFS:-/sys}
cmdline_file=${PASSTHROUGH_PREP_CMDLINE:-/proc/cmdline}
addresses_file=${PASSTHROUGH_PREP_ADDRESSES:-/etc/passthrough-prep/vfio-addresses}
log_file=${PASSTHROUGH_PREP_LOG:-/dev/kmsg}

log() {
  if ! { printf 'passthrough-prep: %s\n' "$*" >> "$log_file"; } 2> /dev/null; then
    printf 'passthrough-prep: %s\n' "$*" >&2
  fi
}

# What the kernel command line says, or nothing (status 1) when it says nothing
addresses_from_cmdline() {
  found=1
  line=
  { read -r line < "$cmdline_file"; } 2> /dev/null
  set -f
  for word in $line; do
    case $word in
      passthrough_prep.vfio_addresses=*)
        list=${word#passthrough_prep.vfio_addresses=}
        found=0
        ;;
    esac
  done
  set +f
  [ "$found" = 0 ] && printf '%s\n' "$list"
  return "$found"
}

addresses_from_file() {
  [ -r "$addresses_file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      '#'* | '') ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < "$addresses_file"
}

hex4='[0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
hex2='[0-9a-f][0-9a-f]'

bind_one() {
  address=$1
  id=$2
  device=$sysfs/bus/pci/devices/$address

  if [ ! -d "$device" ]; then
    log "$address: no such device; left alone"
    return
  fi
  vendor_now=
  device_now=
  { read -r vendor_now < "$device/vendor"; read -r device_now < "$device/device"; } 2> /dev/null
  if [ "$vendor_now:$device_now" != "0x${id%%:*}:0x${id#*:}" ]; then
    log "$address: holds ${vendor_now#0x}:${device_now#0x}, not $id (was the card moved?); left alone"
    return
  fi
  if [ ! -e "$device/iommu_group" ]; then
    log "$address: in no IOMMU group (is the IOMMU on?); left alone"
    return
  fi
  if ! { printf '%s\n' vfio-pci > "$device/driver_override"; } 2> /dev/null; then
    log "$address: cannot set driver_override"
    return
  fi
  driver=
  if [ -e "$device/driver" ]; then
    driver=$(cd -P "$device/driver" 2> /dev/null && pwd -P)
    driver=${driver##*/}
  fi
  if [ -n "$driver" ] && [ "$driver" != vfio-pci ]; then
    if { printf '%s\n' "$address" > "$device/driver/unbind"; } 2> /dev/null; then
      log "$address: taken from $driver"
    else
      log "$address: cannot unbind it from $driver"
      return
    fi
  fi
  # a vfio-pci built into the kernel is there already and must be asked to
  # look again; a module binds the overridden devices when it loads
  if [ "$driver" != vfio-pci ] && [ -d "$sysfs/bus/pci/drivers/vfio-pci" ]; then
    { printf '%s\n' "$address" > "$sysfs/bus/pci/drivers_probe"; } 2> /dev/null
  fi
  log "$address ($id): reserved for vfio-pci"
}

if ! list=$(addresses_from_cmdline); then
  list=$(addresses_from_file)
fi

set -f
old_ifs=$IFS
IFS=',
 	'
for entry in $list; do
  IFS=$old_ifs
  address=${entry%@*}
  id=${entry#*@}
  # shellcheck disable=SC2254 # the patterns are meant to match
  case $address@$id in
    $hex4:$hex2:$hex2.[0-7]@$hex4:$hex4) bind_one "$address" "$id" ;;
    *) log "not a function ADDRESS@VENDOR:DEVICE: $entry; skipped" ;;
  esac
done
IFS=$old_ifs
exit 0
