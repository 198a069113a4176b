/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-edit-grub.h"
#include "pp-test-shell.h"
#include "pp-test-tree.h"

#define IDS "10de:1b80,10de:10f0"
#define ADD_INTEL "intel_iommu=on iommu=pt vfio-pci.ids=" IDS
#define ADD_AMD "amd_iommu=on iommu=pt vfio-pci.ids=" IDS

typedef struct
{
  const char  *name;
  const char  *main;             /* /etc/default/grub */
  const char  *dropin_names[2];  /* under /etc/default/grub.d/ */
  const char  *dropin_texts[2];
  PpCpuVendor  vendor;
  gboolean     prefer_linux;
  const char  *want_default;     /* GRUB_CMDLINE_LINUX_DEFAULT after; NULL: unset after */
  const char  *want_linux;       /* GRUB_CMDLINE_LINUX after; NULL: as before */
  const char  *want_error;       /* the message starts with this */
  const char  *want_text;        /* the new /etc/default/grub, when it matters */
  const char  *want_warning;     /* a warning contains this */
  gboolean     bash_only;        /* += is bash: dash runs it as a command */
} GrubCase;

static const GrubCase cases[] = {
  { "arch-stock",
    "# GRUB boot loader configuration\n\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=\"Arch\"\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3 quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n\n"
    "# Preload both GPT and MBR modules so that they are not missed\nGRUB_PRELOAD_MODULES=\"part_gpt part_msdos\"\n"
    "#GRUB_ENABLE_CRYPTODISK=y\n#GRUB_SAVEDEFAULT=\"true\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "loglevel=3 quiet " ADD_INTEL, NULL, NULL,
    "# GRUB boot loader configuration\n\nGRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=\"Arch\"\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3 quiet " ADD_INTEL "\"\nGRUB_CMDLINE_LINUX=\"\"\n\n"
    "# Preload both GPT and MBR modules so that they are not missed\nGRUB_PRELOAD_MODULES=\"part_gpt part_msdos\"\n"
    "#GRUB_ENABLE_CRYPTODISK=y\n#GRUB_SAVEDEFAULT=\"true\"\n" },
  { "single-quoted",
    "GRUB_TIMEOUT='5'\nGRUB_DISTRIBUTOR='EndeavourOS'\n"
    "GRUB_CMDLINE_LINUX_DEFAULT='nowatchdog nvme_load=YES nvidia_drm.modeset=1 loglevel=3'\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE,
    "nowatchdog nvme_load=YES nvidia_drm.modeset=1 loglevel=3 " ADD_AMD, NULL, NULL,
    "GRUB_TIMEOUT='5'\nGRUB_DISTRIBUTOR='EndeavourOS'\n"
    "GRUB_CMDLINE_LINUX_DEFAULT='nowatchdog nvme_load=YES nvidia_drm.modeset=1 loglevel=3 " ADD_AMD "'\n" },
  { "unquoted",
    "GRUB_CMDLINE_LINUX_DEFAULT=quiet\nGRUB_CMDLINE_LINUX=\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet " ADD_INTEL "\"\nGRUB_CMDLINE_LINUX=\n" },
  { "unquoted-empty",
    "GRUB_CMDLINE_LINUX_DEFAULT=\nGRUB_TIMEOUT=5\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_INTEL "\"\nGRUB_TIMEOUT=5\n" },
  { "double-quoted-empty",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, ADD_AMD, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_AMD "\"\n" },
  { "backslash-continuation",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_idle.max_cstate=1 \\\nprocessor.max_cstate=1 pcie_aspm=off\"\nGRUB_TIMEOUT=2\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet intel_idle.max_cstate=1 processor.max_cstate=1 pcie_aspm=off " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_idle.max_cstate=1 \\\nprocessor.max_cstate=1 pcie_aspm=off " ADD_INTEL "\"\nGRUB_TIMEOUT=2\n" },
  { "newline-inside-quotes",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\n  splash\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet\n  splash " ADD_INTEL, NULL, NULL, NULL },
  { "assigned-twice",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet splash " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash " ADD_INTEL "\"\n" },
  { "assigned-twice-param-in-first",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=soft\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"splash\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "splash " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=soft\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"splash " ADD_INTEL "\"\n" },
  { "commented-copies",
    "#GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n# GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3\" # was: GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "loglevel=3 " ADD_INTEL, NULL, NULL,
    "#GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n# GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"loglevel=3 " ADD_INTEL "\" # was: GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n" },
  { "trailing-comment-on-linux",
    "GRUB_CMDLINE_LINUX=\"rd.lvm.lv=fedora/root rd.lvm.lv=fedora/swap nomodeset\" # <---- nomodeset!!!!\n"
    "GRUB_CMDLINE_LINUX_DEFAULT='quiet' # 'single' quotes\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, "quiet " ADD_AMD, NULL, NULL, NULL },
  { "variable-inside",
    "EXTRA=\"mitigations=off\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet mitigations=off " ADD_INTEL, NULL, NULL,
    "EXTRA=\"mitigations=off\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet $EXTRA " ADD_INTEL "\"\n",
    "includes “$EXTRA”, whose value is only known" },
  { "self-reference",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=soft\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet iommu=pt splash intel_iommu=on vfio-pci.ids=" IDS, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"${GRUB_CMDLINE_LINUX_DEFAULT} splash intel_iommu=on vfio-pci.ids=" IDS "\"\n" },
  { "plus-equals",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX_DEFAULT+=\" splash iommu=off\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet splash iommu=pt intel_iommu=on vfio-pci.ids=" IDS, NULL, NULL, NULL, NULL, TRUE },
  { "missing-default",
    "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"\"\n\n# comment\nGRUB_DISABLE_OS_PROBER=true\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    ADD_INTEL, NULL, NULL,
    "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_INTEL "\"\n\n# comment\nGRUB_DISABLE_OS_PROBER=true\n" },
  { "missing-everything-no-final-newline",
    "GRUB_TIMEOUT=5",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, ADD_AMD, NULL, NULL,
    "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_AMD "\"\n" },
  { "fedora-no-default",
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=\"$(sed 's, release .*$,,g' /etc/system-release)\"\nGRUB_DEFAULT=saved\n"
    "GRUB_DISABLE_SUBMENU=true\nGRUB_TERMINAL_OUTPUT=\"console\"\n"
    "GRUB_CMDLINE_LINUX=\"crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/cs-swap rd.lvm.lv=cs/root rhgb quiet\"\n"
    "GRUB_DISABLE_RECOVERY=\"true\"\nGRUB_ENABLE_BLSCFG=true\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, TRUE,
    NULL, "crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/cs-swap rd.lvm.lv=cs/root rhgb quiet " ADD_INTEL,
    NULL, NULL },
  { "debian-template-backquotes",
    "GRUB_DEFAULT=0\nGRUB_TIMEOUT=10\nGRUB_RECORDFAIL_TIMEOUT=${GRUB_TIMEOUT}\n"
    "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"\n#GRUB_DISABLE_RECOVERY=\"true\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, "quiet splash " ADD_AMD, NULL, NULL, NULL },
  { "ubuntu-template-subshell",
    "GRUB_DEFAULT=0\nGRUB_DISTRIBUTOR=`( . /etc/os-release && echo ${NAME} )`\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet splash " ADD_INTEL, NULL, NULL, NULL },
  { "replace-wrong-values",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=off iommu=soft splash\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet intel_iommu=on iommu=pt splash vfio-pci.ids=" IDS, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt splash vfio-pci.ids=" IDS "\"\n" },
  { "vfio-ids-both-spellings",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"vfio_pci.ids=10de:1401 quiet vfio-pci.ids=10de:1401,10de:0fba intel_iommu=on iommu=pt\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet vfio-pci.ids=" IDS " intel_iommu=on iommu=pt", NULL, NULL, NULL },
  { "param-in-linux",
    "GRUB_CMDLINE_LINUX=\"root=/dev/sda2 vfio-pci.ids=10de:1401\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "quiet intel_iommu=on iommu=pt", "root=/dev/sda2 vfio-pci.ids=" IDS, NULL, NULL },
  { "repeated-console-kept",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty0 console=ttyS1,9600n81 quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "console=tty0 console=ttyS1,9600n81 quiet " ADD_INTEL, NULL, NULL, NULL },
  { "amd-host-keeps-intel-flag",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE,
    "intel_iommu=on quiet " ADD_AMD, NULL, NULL, NULL },
  { "misspelt-amd-iommu",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet amd-iommu=on iommu=pt\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE,
    "quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS, NULL, NULL, NULL },
  { "igfx-off-kept",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=igfx_off\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE,
    "intel_iommu=on,igfx_off iommu=pt vfio-pci.ids=" IDS, NULL, NULL, NULL },
  { "already-done",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet " ADD_INTEL "\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL, NULL },
  { "mixed-quoting",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \"'splash'\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet splash " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \"'splash " ADD_INTEL "'\n" },
  { "indented-and-export",
    "  export GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n\tGRUB_TIMEOUT=3\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL, NULL },
  { "same-line-statements",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"a\";GRUB_TIMEOUT=5; GRUB_CMDLINE_LINUX=\"b\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "a " ADD_INTEL, NULL, NULL, NULL },
  { "prefix-assignment-is-temporary",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"debug\" true\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet " ADD_INTEL "\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"debug\" true\n" },
  { "escaped-quote-in-value",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet acpi_osi=\\\"Windows 2015\\\"\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet acpi_osi=\"Windows 2015\" " ADD_INTEL, NULL, NULL, NULL },
  { "heredoc-mentioning-key",
    "cat >/dev/null <<EOF\nGRUB_CMDLINE_LINUX_DEFAULT=\"wrong\"\nEOF\nGRUB_CMDLINE_LINUX_DEFAULT=\"right\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "right " ADD_INTEL, NULL, NULL, NULL },
  { "dropin-overrides",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"\n",
    { "50-cloudimg-settings.cfg", NULL },
    { "# Cloud image settings\nGRUB_CMDLINE_LINUX_DEFAULT=\"console=tty1 console=ttyS0\"\nGRUB_TIMEOUT=0\n", NULL },
    PP_CPU_VENDOR_INTEL, FALSE, "console=tty1 console=ttyS0 " ADD_INTEL, NULL, NULL, NULL,
    "50-cloudimg-settings.cfg" },
  { "dropin-appends",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=1002:67df\"\n",
    { "10-a.cfg", "20-b.cfg" },
    { "GRUB_TIMEOUT=1\n", "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT splash\"\n" },
    PP_CPU_VENDOR_AMD, FALSE, "quiet vfio-pci.ids=" IDS " splash amd_iommu=on iommu=pt", NULL, NULL, NULL },
  { "unterminated-single-quote",
    "GRUB_TIMEOUT=5\n\nGRUB_CMDLINE_LINUX_DEFAULT='vfio_pci,ids=1002:744c,1002:ab30\nGRUB_CMDLINE_LINUX=\"\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, NULL, NULL,
    "/etc/default/grub:3: unterminated single quote", NULL },
  { "unterminated-in-dropin",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { "40-x.cfg", NULL }, { "\n# c\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet $(echo\n", NULL },
    PP_CPU_VENDOR_AMD, FALSE, NULL, NULL, "/etc/default/grub.d/40-x.cfg:3: unterminated", NULL },
  { "conditional",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nif [ -e /etc/foo ]; then\n  GRUB_CMDLINE_LINUX_DEFAULT=\"debug\"\nfi\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL, "/etc/default/grub:3: GRUB_CMDLINE_LINUX_DEFAULT is set conditionally", NULL },
  { "trailing-backslash-at-end",
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\\",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, ADD_INTEL, NULL, NULL,
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\\\\\nGRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_INTEL "\"\n" },
  { "trailing-continuation-at-end",
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\\\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, ADD_INTEL, NULL, NULL,
    "GRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\\\n\nGRUB_CMDLINE_LINUX_DEFAULT=\"" ADD_INTEL "\"\n" },
  { "open-heredoc-swallows-the-end",
    "GRUB_TIMEOUT=5\ncat <<EOF >/dev/null\nGRUB_CMDLINE_LINUX_DEFAULT=\"x\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL,
    "/etc/default/grub: the kernel command line cannot be edited safely", NULL },
  { "functions-and-loops-elsewhere",
    "function pick {\n  GRUB_X=1\n}\nfor k in a b; do GRUB_Y=$k; done\ncase $GRUB_Y in\n  (b) GRUB_Z=2 ;;\n  a) ;;\nesac\n"
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL, NULL, NULL, TRUE },
  { "unclosed-if",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nif true; then\n  GRUB_TIMEOUT=1\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL, "/etc/default/grub:2: this “if/while/for” is never closed", NULL },
  { "stray-fi",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nfi\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL, "/etc/default/grub:2: unexpected “fi”", NULL },
  { "dollar-single-quote",
    "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=$'quiet splash'\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL,
    "/etc/default/grub:2: GRUB_CMDLINE_LINUX_DEFAULT is written with $'…' or $\"…\" quoting, which bash and dash "
    "read differently", NULL },
  { "dollar-single-quote-inside",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet \"$'splash\\tnomodeset'\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL,
    "/etc/default/grub:1: GRUB_CMDLINE_LINUX_DEFAULT is written with $'…'", NULL },
  { "dollar-double-quote-in-linux",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n\nGRUB_CMDLINE_LINUX=$\"rhgb\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_AMD, FALSE, NULL, NULL,
    "/etc/default/grub:3: GRUB_CMDLINE_LINUX is written with $'…' or $\"…\" quoting", NULL },
  { "dollar-quote-in-dropin",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\n",
    { "50-x.cfg", NULL }, { "# set by hand\nGRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT \"$'a b'\n", NULL },
    PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL,
    "/etc/default/grub.d/50-x.cfg:2: GRUB_CMDLINE_LINUX_DEFAULT is written with $'…'", NULL },
  { "dollar-quote-before-the-last-assignment",
    "GRUB_CMDLINE_LINUX_DEFAULT=$'debug'\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=$'debug'\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet " ADD_INTEL "\"\n" },
  { "dollar-quote-in-another-variable",
    "GRUB_DISTRIBUTOR=$'Arch\\tLinux'\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL,
    "GRUB_DISTRIBUTOR=$'Arch\\tLinux'\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet " ADD_INTEL "\"\n" },
  { "dollar-quote-is-literal-in-double-quotes",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $'x' $\\\"y\\\"\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet $'x' $\"y\" " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet $'x' $\\\"y\\\" " ADD_INTEL "\"\n" },
  { "unquoted-tilde",
    "GRUB_CMDLINE_LINUX_DEFAULT=~root\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, NULL, NULL,
    "/etc/default/grub:1: GRUB_CMDLINE_LINUX_DEFAULT has an unquoted ~", NULL },
  { "quoted-tilde",
    "GRUB_CMDLINE_LINUX_DEFAULT=\"~root\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "~root " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=\"~root " ADD_INTEL "\"\n" },
  { "quotes-inside-default-expansion",
    "GRUB_CMDLINE_LINUX_DEFAULT=${EXTRA:-'quiet splash'}\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet splash " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=${EXTRA:-'quiet splash'}\" " ADD_INTEL "\"\n",
    "whose value is only known" },
  { "escaped-quote-inside-backquotes",
    "GRUB_CMDLINE_LINUX_DEFAULT=`echo \\\"quiet\\\"`\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "\"quiet\" " ADD_INTEL, NULL, NULL,
    "GRUB_CMDLINE_LINUX_DEFAULT=`echo \\\"quiet\\\"`\" " ADD_INTEL "\"\n",
    "whose value is only known" },
  { "conditional-earlier-is-fine",
    "[ -e /etc/foo ] && GRUB_CMDLINE_LINUX_DEFAULT=\"debug\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n",
    { NULL }, { NULL }, PP_CPU_VENDOR_INTEL, FALSE, "quiet " ADD_INTEL, NULL, NULL, NULL },
};

static GPtrArray *
case_files (const GrubCase *c)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);

  g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub", c->main));
  for (guint i = 0; i < G_N_ELEMENTS (c->dropin_names) && c->dropin_names[i]; i++)
    {
      g_autofree char *path = g_strconcat ("/etc/default/grub.d/", c->dropin_names[i], NULL);

      g_ptr_array_add (files, pp_text_file_new (path, c->dropin_texts[i]));
    }
  return files;
}

static void
assert_value (const char         *shell,
              const char * const *paths,
              const char         *name,
              const char         *want)
{
  g_auto(GStrv) value = pp_test_shell_value (shell, paths, name);

  if (want == NULL)
    g_assert_cmpuint (g_strv_length (value), ==, 0);
  else
    {
      g_assert_cmpuint (g_strv_length (value), ==, 1);
      g_assert_cmpstr (value[0], ==, want);
    }
}

static void
test_grub_case (gconstpointer data)
{
  const GrubCase *c = data;
  PpKernelParamsIntent intent = { c->vendor, TRUE, IDS };
  g_autoptr(GPtrArray) files = case_files (c);
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *before_dir = g_build_filename (tmp, "before", NULL);
  g_autofree char *after_dir = g_build_filename (tmp, "after", NULL);
  g_autoptr(GPtrArray) before_paths = NULL;
  g_autoptr(GPtrArray) after_paths = NULL;
  const char *shells[] = { "sh", "bash" };

  result = pp_grub_edit_cmdline (files, &intent, c->prefer_linux, &error);
  if (pp_test_expect_error (error, result, c->want_error))
    return;
  g_assert_nonnull (result);

  edited = pp_edit_result_apply (result, files);
  if (c->want_text != NULL)
    g_assert_cmpstr (((PpTextFile *) g_ptr_array_index (edited, 0))->text, ==, c->want_text);
  if (c->want_warning != NULL)
    g_assert_true (pp_test_warnings_mention (result->warnings, c->want_warning));

  /* the shell sees the old value plus the change, and nothing else moved */
  before_paths = pp_test_write_text_files (before_dir, files);
  after_paths = pp_test_write_text_files (after_dir, edited);
  for (guint s = c->bash_only ? 1 : 0; s < G_N_ELEMENTS (shells); s++)
    {
      const char * const *before = (const char * const *) before_paths->pdata;
      const char * const *after = (const char * const *) after_paths->pdata;
      g_autoptr(GHashTable) vars_before = pp_test_shell_variables (shells[s], before);
      g_autoptr(GHashTable) vars_after = pp_test_shell_variables (shells[s], after);
      g_auto(GStrv) old_linux = pp_test_shell_value (shells[s], before, "GRUB_CMDLINE_LINUX");

      g_hash_table_remove (vars_before, "GRUB_CMDLINE_LINUX");
      g_hash_table_remove (vars_after, "GRUB_CMDLINE_LINUX");
      pp_test_assert_same_except (vars_before, vars_after, "GRUB_CMDLINE_LINUX_DEFAULT");
      assert_value (shells[s], after, "GRUB_CMDLINE_LINUX_DEFAULT", c->want_default);
      assert_value (shells[s], after, "GRUB_CMDLINE_LINUX",
                    c->want_linux ? c->want_linux : (old_linux[0] ? old_linux[0] : NULL));
    }

  /* applying twice is applying once */
  again = pp_grub_edit_cmdline (edited, &intent, c->prefer_linux, &error);
  pp_test_assert_no_change (again, error);

}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/grub/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_grub_case);
    }
  return g_test_run ();
}
