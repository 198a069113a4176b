/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-host.h"
#include "pp-host-vfio.h"
#include "pp-kernel-params.h"

G_BEGIN_DECLS

/* How a host boots and builds its initramfs, one backend per boot manager
 * and per initramfs tool behind the small interfaces below. A backend reads
 * the host's files and says what to change (files as text, commands as argv,
 * steps by hand); it never writes. The plan asks the backends this host has
 * and never switches on which they are. */

/* When the reserved GPU goes to vfio-pci */
typedef enum
{
  PP_BOOT_MODE_EVERY_BOOT,     /* every boot entry carries the parameters */
  PP_BOOT_MODE_BOOT_ENTRY,     /* only entries titled "… (Passthrough)" do */
  PP_BOOT_MODE_DEFAULT,        /* asked for only: boot-entry where the host can have it, else every-boot */
} PpBootMode;

/* How the reserved functions go to vfio-pci */
typedef enum
{
  PP_BINDING_IDS,              /* vfio-pci.ids: every device with their vendor:device IDs */
  PP_BINDING_ADDRESS,          /* driver_override for exactly their addresses: another device
                                * outside the reserve has the same IDs */
} PpBinding;

/* Binding by address: the script each initramfs tool carries into its image
 * and runs early (modprobe runs it too, before it loads vfio-pci), the file
 * of ADDRESS@VENDOR:DEVICE lines it reads, and the kernel parameter that
 * takes precedence over that file (a Passthrough boot entry passes them so) */
#define PP_VFIO_BIND_SCRIPT     "/etc/passthrough-prep/vfio-bind"
#define PP_VFIO_ADDRESSES_FILE  "/etc/passthrough-prep/vfio-addresses"
#define PP_VFIO_ADDRESSES_PARAM "passthrough_prep.vfio_addresses"

/* What is on the kernel command line of a Passthrough entry and on no
 * other: Readiness tells from it which entry is running (the kernel drops
 * a dotted parameter no module claims) */
#define PP_PASSTHROUGH_MARKER "passthrough_prep.boot=1"

/* How "Restart into Passthrough" boots that entry once */
typedef enum
{
  PP_RESTART_MENU,             /* it cannot: the user picks the entry in the boot menu */
  PP_RESTART_LOGIND,           /* logind's SetRebootToBootLoaderEntry (systemd-boot) */
  PP_RESTART_HELPER,           /* the helper's next-boot intent (grub-reboot) */
} PpRestartMethod;

#define PP_BOOT_ERROR (pp_boot_error_quark ())

typedef enum
{
  PP_BOOT_ERROR_NO_BOOT_ENTRY, /* this host cannot have a separate Passthrough entry: the message says why */
} PpBootError;

GQuark pp_boot_error_quark (void);

/* One file a plan changes. Paths are the host's paths ("/etc/mkinitcpio.conf"),
 * also under --root; pp_host_path() maps them to the disk. */
typedef struct
{
  char  *path;
  char  *old_text;    /* NULL when the plan creates the file */
  char  *new_text;
  char  *diff;        /* unified diff, "--- a/etc/..." "+++ b/etc/..." */
  guint  new_mode;    /* permission bits of a created file (0644, 0755 for a script) */
} PpFileEdit;

/* What backends add to a plan */
typedef struct
{
  GPtrArray *files;        /* PpFileEdit*, only files whose text changes */
  GPtrArray *commands;     /* GStrv */
  /* GStrv or NULL, one for each command: what undoes it once the files are
   * back (rollback, revert). NULL: running the command again does, as for a
   * rebuild from the restored files */
  GPtrArray *undo_commands;
  GPtrArray *warnings;     /* char*, translated */
  GPtrArray *manual_steps; /* char*, translated: what to do by hand, naming the file and the text */
  /* translated: why no plan can be made on this host (what to do instead),
   * or NULL; the plan is then a refusal */
  char      *refused;
  GPtrArray *boot_entries; /* char*: titles of the Passthrough entries there will be */
  PpRestartMethod restart_method;
  char      *restart_entry;/* LOGIND: the entry id (file name); HELPER: the GRUB entry id */
} PpChanges;

PpChanges  *pp_changes_new              (void);
void        pp_changes_free             (PpChanges   *changes);
/* Adds @path going from @old_text (NULL: absent) to @new_text, unless they
 * are equal or @new_text is NULL. Returns whether it was added. Where
 * @changes edits @path already, @old_text is that edit's new text and the
 * edit now ends at @new_text. */
gboolean    pp_changes_edit_file        (PpChanges   *changes,
                                         const char  *path,
                                         const char  *old_text,
                                         const char  *new_text);
/* The same for a file created with @mode when it is absent */
gboolean    pp_changes_edit_file_mode   (PpChanges   *changes,
                                         const char  *path,
                                         const char  *old_text,
                                         const char  *new_text,
                                         guint        mode);
/* Each PpTextFile of @files with the text @result gives it, and the result's warnings */
void        pp_changes_take_result      (PpChanges    *changes,
                                         GPtrArray    *files,
                                         PpEditResult *result);
void        pp_changes_add_command      (PpChanges   *changes,
                                         const char  *program,
                                         ...) G_GNUC_NULL_TERMINATED;
void        pp_changes_add_argv         (PpChanges   *changes,
                                         GStrv        argv);
/* A command that changes state outside the plan's files (kernel arguments
 * kept by a tool), with the command that undoes it; takes both */
void        pp_changes_add_argv_with_undo (PpChanges *changes,
                                           GStrv      argv,
                                           GStrv      undo);
void        pp_changes_add_manual_step  (PpChanges   *changes,
                                         const char  *format,
                                         ...) G_GNUC_PRINTF (2, 3);
void        pp_changes_add_warning      (PpChanges   *changes,
                                         const char  *format,
                                         ...) G_GNUC_PRINTF (2, 3);
/* Makes the plan a refusal with this reason (the first one given is kept) */
void        pp_changes_refuse           (PpChanges   *changes,
                                         const char  *format,
                                         ...) G_GNUC_PRINTF (2, 3);
void        pp_file_edit_free           (PpFileEdit  *edit);
/* The text @changes gives @path so far; NULL where it does not edit it */
const char *pp_changes_planned_text     (PpChanges   *changes,
                                         const char  *path);

typedef struct _PpBootBackend      PpBootBackend;
typedef struct _PpInitramfsBackend PpInitramfsBackend;

/* Which boot manager and initramfs tool this host has, and why we think so */
typedef struct
{
  const PpBootBackend      *boot;
  const PpInitramfsBackend *initramfs;
  /* --check's "bootloader": the boot manager that booted, as far as known
   * ("grub", "systemd-boot", "limine", "refind", "other", "unknown") */
  const char               *bootloader;
  char                     *loader_info;     /* the firmware's LoaderInfo ("systemd-boot 256.7-1-arch"), or NULL */
  char                     *entry_selected;  /* the firmware's LoaderEntrySelected, or NULL */
  char                     *boot_evidence;   /* translated: why we think @boot boots this host */
  char                     *grub_cfg;        /* GRUB: the grub.cfg this host boots (host path) */
  GPtrArray                *earlier_vfio;    /* PpEarlierVfio*: VFIO configuration made before, by hand */
  /* a file that decides which tool this is, or that the plan must read,
   * exists but could not be read: no plan can be trusted */
  GError                   *error;
} PpBootSetup;

/* Everything a backend needs to plan its part of reserving a GPU */
typedef struct
{
  const PpHost               *host;
  const PpBootSetup          *setup;
  const char                 *gpu;      /* the GPU's address */
  PpBootMode                  mode;     /* EVERY_BOOT or BOOT_ENTRY, never DEFAULT */
  GPtrArray                  *reserve;  /* PpPciDevice*: the functions that go to vfio-pci */
  PpBinding                   binding;
  const char                 *ids;      /* their IDs, "10de:1b80,10de:10f0"; "" when bound by address */
  const PpKernelParamsIntent *params;   /* what the kernel command line must say */
  const char                 *passthrough_args; /* boot-entry: what a Passthrough entry adds, as one string */
  gboolean                    kvmgt;    /* an Intel iGPU with GVT-g: load kvmgt too */
  PpChanges                  *changes;  /* where the backend adds its part */
} PpBootRequest;

/* What a backend's plans may touch: host paths ('*' stands for one path
 * component's characters, never '/') and program names. The helper trusts a
 * backup set's paths and commands only when some backend may plan them. */
typedef struct
{
  const char * const *writes;   /* NULL-terminated patterns, or NULL */
  const char * const *runs;     /* NULL-terminated program names, or NULL */
} PpBootTouches;

struct _PpBootBackend
{
  const char *id;           /* "grub-bls": unique */
  const char *bootloader;   /* --check's "bootloader": "grub"; NULL: whichever the firmware names */
  /* The distribution's own tool keeps the kernel command line, whatever
   * boot manager runs it (rpm-ostree, NixOS): asked before the others, and
   * what the firmware says booted does not rule it out */
  gboolean    whole_system;
  PpBootTouches touches;
  /* TRUE when this host boots with it; may fill @setup's grub_cfg and
   * boot_evidence. An error means a file that would tell could not be read. */
  gboolean  (*detect)       (const PpHost        *host,
                             PpBootSetup         *setup,
                             GError             **error);
  /* One translated line for Readiness ("GRUB (/boot/grub/grub.cfg)"), and
   * in *@next_step what the user must do where PassthroughPrep cannot edit
   * it (NULL where it can) */
  char     *(*describe)     (const PpBootSetup   *setup,
                             char               **next_step);
  /* Puts request->params on the kernel command line of every boot entry:
   * files, commands after the initramfs is rebuilt, steps by hand, or a
   * refusal */
  gboolean  (*plan_params)  (const PpBootRequest *request,
                             GError             **error);
  /* Adds beside each boot entry one titled "… (Passthrough)" that carries
   * request->params (every other entry stays as it is), and what makes
   * kernels installed later get theirs; names them in boot_entries and says
   * how to restart into one. NULL where this boot manager cannot have a
   * second entry: @no_boot_entry says why. A PP_BOOT_ERROR_NO_BOOT_ENTRY
   * error says why this host's setup cannot (unified kernel images). */
  gboolean  (*plan_boot_entry) (const PpBootRequest *request,
                                GError             **error);
  const char *no_boot_entry;   /* N_() */
  /* The command that makes the next boot, and only that one, start the
   * newest Passthrough entry there is now; NULL (the member, or the result
   * with @error) where this boot manager has none */
  GStrv     (*next_boot_command) (const PpHost      *host,
                                  const PpBootSetup *setup,
                                  GError           **error);
};

struct _PpInitramfsBackend
{
  const char *id;           /* --check's "initramfs": "mkinitcpio" */
  PpBootTouches touches;
  gboolean  (*detect)       (const PpHost        *host,
                             GError             **error);
  /* As for the boot backend */
  char     *(*describe)     (const PpBootSetup   *setup,
                             char               **next_step);
  /* Makes the image load vfio_pci, vfio and vfio_iommu_type1 before any GPU driver */
  gboolean  (*plan_modules) (const PpBootRequest *request,
                             GError             **error);
  /* Rebuilds every image after the files changed: a command or a step by hand */
  void      (*plan_rebuild) (const PpBootRequest *request);
  /* Binding by address (after plan_modules, into the same changes, with
   * request->binding set for both): makes the image carry
   * PP_VFIO_BIND_SCRIPT, PP_VFIO_ADDRESSES_FILE and modprobe.d and run the
   * script before any GPU driver can bind; the plan writes those three.
   * Sets *@refusal (translated: why not) where this tool cannot. Every
   * backend answers (test-boot checks); NULL would read as "cannot". */
  gboolean  (*plan_bind_by_address) (const PpBootRequest *request,
                                     char               **refusal,
                                     GError             **error);
};

/* Reads which boot manager and initramfs tool @host has. Never NULL: what
 * cannot be told is the "unknown" backend, and a read error is kept in
 * ->error. */
PpBootSetup *pp_boot_setup_detect       (const PpHost *host);
void         pp_boot_setup_free         (PpBootSetup  *setup);

/* Whether some backend's plan may write @host_path (absolute, without "."
 * or ".." components or doubled slashes) or run @program (a name without
 * a path) */
gboolean     pp_boot_may_write          (const char   *host_path);
gboolean     pp_boot_may_run            (const char   *program);

/* Every initramfs backend, in detection order, NULL-terminated (the unknown
 * tool's not among them) */
const PpInitramfsBackend * const *pp_boot_initramfs_backends (void);
/* Whether @path matches @pattern, '*' matching within one component */
gboolean     pp_boot_path_matches       (const char   *pattern,
                                         const char   *path);

const char  *pp_restart_method_to_string (PpRestartMethod method);  /* "menu", "logind", "helper" */
const char  *pp_boot_mode_to_string     (PpBootMode    mode);    /* "every-boot", "boot-entry", "default" */
const char  *pp_binding_to_string       (PpBinding     binding); /* "address" */
gboolean     pp_boot_mode_from_string   (const char   *text,
                                         PpBootMode   *mode);

/* Sets *@found to the first of @host_paths that exists (NULL: none); fails
 * when that cannot be told for one of them */
gboolean     pp_boot_find_first          (const PpHost        *host,
                                          const char * const  *host_paths,
                                          const char         **found,
                                          GError             **error);

/* PpTextFile* for @main_path (when not NULL) then each of @more (host
 * paths), as they are now; text NULL for an absent one */
GPtrArray   *pp_boot_read_files          (const PpHost        *host,
                                          const char          *main_path,
                                          GPtrArray           *more,
                                          GError             **error);
/* The same, each as @changes leaves it where it edits it already */
GPtrArray   *pp_boot_read_planned_files  (const PpHost        *host,
                                          PpChanges           *changes,
                                          const char          *main_path,
                                          GPtrArray           *more,
                                          GError             **error);

/* The Boot Loader Specification entry directories backends look in */
extern const char * const pp_loader_entry_dirs[];

/* The options of a Boot Loader Specification entry's text (its "options"
 * lines joined, as systemd-boot does), or NULL when it has none */
char        *pp_boot_entry_options       (const char   *text);

/* Host paths of the loader entries (*.conf) in every entry directory, in order */
GPtrArray   *pp_boot_list_loader_entries (const PpHost *host,
                                          GError      **error);
/* A file a backend writes whole: host path, text, mode it is created with */
typedef struct
{
  const char *path;
  const char *text;
  guint       mode;
} PpBootFileText;

/* Each of @files (up to one with a NULL path) going from what the host has
 * now to its text, into request->changes */
gboolean     pp_boot_plan_whole_files    (const PpBootRequest   *request,
                                          const PpBootFileText  *files,
                                          GError               **error);
/* For a boot manager PassthroughPrep does not edit: /etc/kernel/cmdline
 * where it exists, and the parameters as a step by hand, after @why */
gboolean     pp_boot_plan_params_by_hand (const PpBootRequest *request,
                                          const char          *why,
                                          GError             **error);
/* Fails for a plain command line file that has comment lines (tools
 * disagree on them) */
gboolean     pp_boot_check_cmdline_file  (const char          *path,
                                          const char          *text,
                                          GError             **error);

/* Where kernel-install runs our plugin for each kernel it adds */
#define PP_KERNEL_INSTALL_PLUGIN "/etc/kernel/install.d/95-passthrough-prep.install"

/* Boot-entry mode with Boot Loader Specification entries (systemd-boot, GRUB
 * with BLS): a sibling "…-passthrough.conf" beside each Linux entry, and the
 * kernel-install plugin where kernel-install writes the entries; sets
 * boot_entries and restart_entry (the newest sibling's host path).
 * PP_BOOT_ERROR_NO_BOOT_ENTRY where there is no Linux entry (UKIs). */
gboolean     pp_boot_plan_passthrough_entries (const PpBootRequest *request,
                                               GError             **error);
/* Edits /etc/kernel/cmdline where it exists (kernel-install reads it for
 * kernels installed later) */
gboolean     pp_boot_plan_kernel_cmdline (const PpBootRequest *request,
                                          GError             **error);
/* Edits the options of every loader entry (*.conf in pp_loader_entry_dirs)
 * that has a "linux" line, in place */
gboolean     pp_boot_plan_loader_entries (const PpBootRequest *request,
                                          GError             **error);
/* @argv as a shell would take it, quoted where needed (for steps by hand
 * and the review) */
char        *pp_boot_command_line        (char * const        *argv);
/* The command that runs @tool (the first of @names the host has) or, where
 * it has none, a step by hand naming @manager, @file and the command */
void         pp_boot_add_tool_command    (const PpBootRequest *request,
                                          const char * const  *names,
                                          const char          *manager,
                                          const char          *file,
                                          ...) G_GNUC_NULL_TERMINATED;

/* A command that changes state outside the plan's files, with the command
 * that undoes it (both taken), or a step by hand where the host lacks its
 * program */
void         pp_boot_add_state_command   (const PpBootRequest *request,
                                          GStrv                argv,
                                          GStrv                undo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpChanges, pp_changes_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBootSetup, pp_boot_setup_free)

G_END_DECLS
