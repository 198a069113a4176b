/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-edit-sdboot.h"
#include "pp-kernel-params.h"

#define IDS "1002:67df,1002:aaf0"

typedef struct
{
  const char  *name;
  PpCpuVendor  vendor;
  const char  *ids;
  const char  *before;
  const char  *after;
  gboolean     no_vfio_ids;
  gboolean     acs_override;
} LineCase;

static const LineCase line_cases[] = {
  { "empty", PP_CPU_VENDOR_INTEL, IDS, "", "intel_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "kernel-cmdline-file", PP_CPU_VENDOR_AMD, IDS, "root=UUID=1234 rw quiet\n",
    "root=UUID=1234 rw quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS "\n" },
  { "other-cpu-no-vendor-flag", PP_CPU_VENDOR_OTHER, IDS, "quiet", "quiet iommu=pt vfio-pci.ids=" IDS },
  { "no-ids-leaves-vfio-alone", PP_CPU_VENDOR_INTEL, NULL, "quiet vfio-pci.ids=10de:1b80",
    "quiet vfio-pci.ids=10de:1b80 intel_iommu=on iommu=pt" },
  { "duplicates-collapse-to-last", PP_CPU_VENDOR_INTEL, IDS,
    "iommu=pt quiet iommu=off intel_iommu=on intel_iommu=off",
    "quiet iommu=pt intel_iommu=on" " vfio-pci.ids=" IDS },
  { "underscore-spelling-kept", PP_CPU_VENDOR_AMD, IDS, "vfio_pci.ids=" IDS " amd_iommu=on iommu=pt",
    "vfio_pci.ids=" IDS " amd_iommu=on iommu=pt" },
  { "dash-spelling-of-boot-option-fixed", PP_CPU_VENDOR_INTEL, IDS, "intel-iommu=on iommu=pt vfio-pci.ids=" IDS,
    "intel_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "bare-flag", PP_CPU_VENDOR_INTEL, IDS, "intel_iommu iommu", "intel_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "iommu-options-merged", PP_CPU_VENDOR_INTEL, IDS, "iommu=force,nopt intel_iommu=sm_on",
    "iommu=pt,force intel_iommu=on,sm_on vfio-pci.ids=" IDS },
  /* the kernel splits at isspace (): a form feed or vertical tab too */
  { "form-feed-and-vertical-tab", PP_CPU_VENDOR_INTEL, IDS, "iommu=soft\vquiet\f", "iommu=pt\vquiet intel_iommu=on vfio-pci.ids=" IDS "\f" },
  { "tabs-and-double-spaces", PP_CPU_VENDOR_INTEL, IDS, "a\t iommu=soft  b", "a\t iommu=pt  b intel_iommu=on vfio-pci.ids=" IDS },
  /* pci-stub holding a reserved function loses it; other devices stay held */
  { "pci-stub-keeps-others", PP_CPU_VENDOR_AMD, IDS, "pci-stub.ids=1002:67DF,1b21:1242 quiet",
    "pci-stub.ids=1b21:1242 quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "pci-stub-goes-when-empty", PP_CPU_VENDOR_AMD, IDS, "quiet pci_stub.ids=1002:67df:ffffffff:ffffffff,1002:aaf0",
    "quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS },
  /* the kernel reads pci-stub.ids with its quotes taken off */
  { "pci-stub-quoted-goes-whole", PP_CPU_VENDOR_AMD, IDS, "quiet \"pci-stub.ids=1002:67DF\" pci_stub.ids=\"10de:1b80\"",
    "quiet pci_stub.ids=\"10de:1b80\" amd_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "pci-stub-of-others-untouched", PP_CPU_VENDOR_AMD, IDS, "pci-stub.ids=10de:1401",
    "pci-stub.ids=10de:1401 amd_iommu=on iommu=pt vfio-pci.ids=" IDS },
  { "pci-stub-without-ids", PP_CPU_VENDOR_AMD, NULL, "pci-stub.ids=1002:67df", "pci-stub.ids=1002:67df amd_iommu=on iommu=pt" },
  { "repeated-console-and-lookalikes", PP_CPU_VENDOR_INTEL, IDS,
    "console=tty0 console=ttyS1,9600n81 amd_iommu_dump=1 iommu.strict=1 xvfio-pci.ids=1",
    "console=tty0 console=ttyS1,9600n81 amd_iommu_dump=1 iommu.strict=1 xvfio-pci.ids=1 intel_iommu=on iommu=pt vfio-pci.ids=" IDS },
  /* bound by address: no vfio-pci.ids may stay, whatever its spelling */
  { "by-address-drops-every-ids", PP_CPU_VENDOR_AMD, NULL,
    "quiet vfio-pci.ids=10de:1b80 amd_iommu=on vfio_pci.ids=" IDS " iommu=pt", "quiet amd_iommu=on iommu=pt", TRUE },
  { "by-address-nothing-to-drop", PP_CPU_VENDOR_AMD, NULL, "quiet", "quiet amd_iommu=on iommu=pt", TRUE },
  /* and pci-stub must not hold the reserved functions (nor their twins) either */
  { "by-address-drops-reserved-from-pci-stub", PP_CPU_VENDOR_AMD, IDS,
    "pci-stub.ids=1002:67df,1b21:1242 vfio-pci.ids=" IDS " quiet", "pci-stub.ids=1b21:1242 quiet amd_iommu=on iommu=pt",
    TRUE },
  { "acs-override-added", PP_CPU_VENDOR_AMD, IDS, "quiet",
    "quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS " pcie_acs_override=downstream,multifunction", FALSE, TRUE },
  { "acs-override-merged-keeps-ids", PP_CPU_VENDOR_AMD, IDS, "pcie-acs-override=id:1022:43c6 quiet",
    "pcie_acs_override=downstream,multifunction,id:1022:43c6 quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS,
    FALSE, TRUE },
  { "acs-override-already-there", PP_CPU_VENDOR_AMD, IDS,
    "pcie_acs_override=multifunction,downstream amd_iommu=on iommu=pt vfio-pci.ids=" IDS,
    "pcie_acs_override=multifunction,downstream amd_iommu=on iommu=pt vfio-pci.ids=" IDS, FALSE, TRUE },
  { "no-acs-override-leaves-it-alone", PP_CPU_VENDOR_AMD, IDS, "pcie_acs_override=downstream quiet",
    "pcie_acs_override=downstream quiet amd_iommu=on iommu=pt vfio-pci.ids=" IDS },
};

static void
test_line_case (gconstpointer data)
{
  const LineCase *c = data;
  PpKernelParamsIntent intent = { c->vendor, TRUE, c->ids, c->no_vfio_ids, c->acs_override };
  g_autoptr(GError) error = NULL;
  g_autofree char *after = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", c->before, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  again = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", after, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, c->after);
  g_assert_cmpstr (again, ==, after);
}

/* a parameter the kernel reads with quotes is not rewritten as plain text:
 * the file is named and nothing is returned (found by fuzz-cmdline) */
static void
test_line_quoted (void)
{
  static const char * const lines[] = {
    "mmu=soft vfio_pci.ids=1:\" vfio-pd/si=3:4\n",
    "quiet iommu=\"soft\"",
    "pci-stub.ids=\"1002:67df,10de:1b80\"",
  };
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_AMD, TRUE, IDS };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *after = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", lines[i], &error);

      g_assert_null (after);
      g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "/etc/kernel/cmdline: cannot safely replace"));
    }
}

/* quotes in a parameter the plan leaves alone are no reason to refuse */
static void
test_line_quoted_elsewhere (void)
{
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_AMD, TRUE, IDS };
  g_autoptr(GError) error = NULL;
  g_autofree char *after = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", "quiet dyndbg=\"file x.c +p\"", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, "quiet dyndbg=\"file x.c +p\" amd_iommu=on iommu=pt vfio-pci.ids=" IDS);
}

static void
test_intent_args (void)
{
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_AMD, TRUE, IDS };
  g_autofree char *args = pp_kernel_params_intent_args (&intent);

  g_assert_cmpstr (args, ==, "amd_iommu=on iommu=pt vfio-pci.ids=" IDS);
}

typedef struct
{
  const char *name;
  const char *before;
  const char *after;   /* NULL: unchanged */
} EntryCase;

#define ADD " intel_iommu=on iommu=pt vfio-pci.ids=" IDS

static const EntryCase entry_cases[] = {
  { "arch-entry",
    "title Arch Linux\nlinux /vmlinuz-linux\ninitrd /intel-ucode.img\ninitrd /initramfs-linux.img\noptions root=PARTUUID=ab-12 rw\n",
    "title Arch Linux\nlinux /vmlinuz-linux\ninitrd /intel-ucode.img\ninitrd /initramfs-linux.img\noptions root=PARTUUID=ab-12 rw" ADD "\n" },
  { "aligned-columns-trailing-blanks",
    "title   Arch Linux\nlinux   /vmlinuz-linux\noptions root=PARTUUID=x rw quiet   \n",
    "title   Arch Linux\nlinux   /vmlinuz-linux\noptions root=PARTUUID=x rw quiet" ADD "   \n" },
  { "two-options-lines",
    "linux /vmlinuz\noptions root=/dev/sda2 iommu=soft\n# a comment with options iommu=off\noptions quiet\n",
    "linux /vmlinuz\noptions root=/dev/sda2 iommu=pt\n# a comment with options iommu=off\noptions quiet intel_iommu=on vfio-pci.ids=" IDS "\n" },
  { "no-options-line",
    "title Fedora\nversion 6.9\nlinux /vmlinuz-6.9\ninitrd /initramfs-6.9.img",
    "title Fedora\nversion 6.9\nlinux /vmlinuz-6.9\ninitrd /initramfs-6.9.img\noptions" ADD "\n" },
  { "fedora-kernelopts-kept",
    "title Fedora\nlinux /vmlinuz\noptions $kernelopts\ngrub_users $grub_users\n",
    "title Fedora\nlinux /vmlinuz\noptions $kernelopts" ADD "\ngrub_users $grub_users\n" },
  { "windows-entry-untouched",
    "title Windows\nefi /EFI/Microsoft/Boot/bootmgfw.efi\n", NULL },
  { "already-done",
    "linux /vmlinuz\noptions root=/dev/sda2" ADD "\n", NULL },
};

static void
test_entry_case (gconstpointer data)
{
  const EntryCase *c = data;
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_INTEL, TRUE, IDS };
  g_autoptr(GError) error = NULL;
  g_autofree char *after = pp_sdboot_edit_entry ("/boot/loader/entries/x.conf", c->before, &intent, &error);
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, c->after);
  if (after != NULL)
    {
      again = pp_sdboot_edit_entry ("/boot/loader/entries/x.conf", after, &intent, &error);
      g_assert_no_error (error);
      g_assert_null (again);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (line_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/kernel-params/", line_cases[i].name, NULL);

      g_test_add_data_func (path, &line_cases[i], test_line_case);
    }
  g_test_add_func ("/core/kernel-params/quoted", test_line_quoted);
  g_test_add_func ("/core/kernel-params/quoted-elsewhere", test_line_quoted_elsewhere);
  g_test_add_func ("/core/kernel-params/intent-args", test_intent_args);
  for (guint i = 0; i < G_N_ELEMENTS (entry_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/sdboot/", entry_cases[i].name, NULL);

      g_test_add_data_func (path, &entry_cases[i], test_entry_case);
    }
  return g_test_run ();
}
