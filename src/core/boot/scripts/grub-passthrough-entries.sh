#! /bin/sh
# Written by PassthroughPrep as /etc/grub.d/42_passthrough-prep; reverting the
# reservation removes it. For each kernel that 10_linux beside it finds, an entry
# titled "... (Passthrough)" that boots that kernel exactly as 10_linux's own entry
# does, plus the parameters that give the reserved GPU to vfio-pci. It is made from
# 10_linux's output, so the root device, the initrds and the microcode are always
# handled the distribution's way, and a kernel installed later gets its entry at
# the next grub-mkconfig.
set -e

# what only the Passthrough entries add to the kernel command line
passthrough_params='@PASSTHROUGH_PARAMS@'

linux_generator="${0%/*}/10_linux"
[ -x "$linux_generator" ] || exit 0

# One top-level entry per kernel, no recovery entries: each "advanced" entry of
# 10_linux becomes a Passthrough entry with its own id; savedefault is left out,
# so that choosing it once never makes it the default.
GRUB_DISABLE_SUBMENU=true GRUB_DISABLE_RECOVERY=true "$linux_generator" | awk -v q="'" -v params="$passthrough_params" '
function flush(    i) {
	if (kernel == "")
		return
	sub(q " --class", " (Passthrough)" q " --class", block[1])
	sub(q "gnulinux-[^" q "]*" q " [{]$", q "passthrough-prep-" kernel q " {", block[1])
	for (i = 1; i <= n; i++)
		print block[i]
	print "}"
}
/^menuentry / {
	entry = ($0 ~ (q "gnulinux-[^" q "]*-advanced-[^" q "]*" q " [{]$"))
	n = 0
	kernel = ""
}
!entry { next }
/^}/ { flush(); entry = 0; next }
/^[[:space:]]*savedefault([[:space:]]|$)/ { next }
/^[[:space:]]*linux[[:space:]]/ {
	kernel = $2
	sub(/.*\//, "", kernel)
	$0 = $0 " " params
}
{ block[++n] = $0 }
'
