#! /bin/sh
# Written by PassthroughPrep as /etc/kernel/install.d/95-passthrough-prep.install;
# reverting the reservation removes it. When kernel-install adds a kernel, this
# writes beside its boot loader entry a copy titled "... (Passthrough)" whose
# options also carry the parameters that give the reserved GPU to vfio-pci; when
# it removes the kernel, the copy goes with it.
#
#   95-passthrough-prep.install add|remove KERNEL_VERSION ENTRY_DIR_ABS [KERNEL_IMAGE [INITRD...]]
set -e

passthrough_params='@PASSTHROUGH_PARAMS@'

command="$1"
kernel_version="$2"

# only the Boot Loader Specification layout has entry files to copy
[ "${KERNEL_INSTALL_LAYOUT:-bls}" = bls ] || exit 0
[ -n "$kernel_version" ] || exit 0
boot_root="${KERNEL_INSTALL_BOOT_ROOT:-/boot}"
token="${KERNEL_INSTALL_ENTRY_TOKEN:-$KERNEL_INSTALL_MACHINE_ID}"
[ -n "$token" ] || exit 0

entry="$boot_root/loader/entries/$token-$kernel_version.conf"
passthrough_entry="$boot_root/loader/entries/$token-$kernel_version-passthrough.conf"

case "$command" in
    add)
        [ -f "$entry" ] || exit 0
        awk -v params="$passthrough_params" -v version="$kernel_version" '
            /^title[ \t]/ { $0 = $0 " (Passthrough)"; titled = 1 }
            /^sort-key[ \t]/ { $0 = $0 "-passthrough" }
            /^options[ \t]/ { last_options = NR }
            { line[NR] = $0 }
            END {
                if (!titled)
                    print "title Linux " version " (Passthrough)"
                for (i = 1; i <= NR; i++)
                    print line[i] (i == last_options ? " " params : "")
                if (!last_options)
                    print "options " params
            }' "$entry" > "$passthrough_entry.new"
        mv "$passthrough_entry.new" "$passthrough_entry"
        ;;
    remove)
        rm -f "$passthrough_entry"
        ;;
esac
exit 0
