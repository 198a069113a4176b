/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the window and passthrough-prep-helper talk: the intents and their
 * arguments, the events the helper prints, and its exit statuses. */

/* Errors of the helper carry the exit status they end in as their code. */
#define PP_HELPER_ERROR (pp_helper_error_quark ())

/* Exit statuses of passthrough-prep-helper. 126 and 127 are pkexec's own
 * (authorization dismissed or failed), so none of ours may use them. The
 * last event on stdout is always "done ..." or "failed ...". */
typedef enum
{
  PP_HELPER_EXIT_OK               = 0,  /* done */
  PP_HELPER_EXIT_FAILED           = 1,  /* a step failed; every file was restored */
  PP_HELPER_EXIT_USAGE            = 2,  /* argv is not exactly one of the accepted forms */
  PP_HELPER_EXIT_NOT_PERMITTED    = 3,  /* not root, uid != euid, a test hook under pkexec, or a
                                         * resource limit that cannot be made safe */
  PP_HELPER_EXIT_REFUSED          = 4,  /* the plan refuses this address (not a GPU, not viable, ...) */
  PP_HELPER_EXIT_UNSAFE_TARGET    = 5,  /* a target or a directory on its way is a symlink, not a regular
                                         * file or directory, not root's, writable by every user, or by a
                                         * group not root's */
  PP_HELPER_EXIT_CHANGED_SINCE    = 6,  /* revert: a file's content, mode or owner changed since the helper
                                         * wrote it */
  PP_HELPER_EXIT_NOTHING_TO_DO    = 7,  /* revert: no applied backup */
  PP_HELPER_EXIT_HOST_UNREADABLE  = 8,  /* the host or its config files could not be read or planned */
  PP_HELPER_EXIT_ROLLBACK_FAILED  = 9,  /* a step failed and putting it back failed too: restoring a file,
                                         * or running a command again on the restored files; see the events */
  PP_HELPER_EXIT_BUSY             = 10, /* another helper is reserving or reverting right now */
  PP_HELPER_EXIT_PLAN_CHANGED     = 11, /* reserve: the helper's plan is not the one reviewed */
  PP_HELPER_EXIT_NO_BOOT_ENTRY    = 12, /* next-boot-passthrough: no Passthrough entry to boot, or no way to */
  PP_HELPER_EXIT_BAD_BACKUP       = 13, /* revert, status: the newest backup set's manifest is damaged, or
                                         * names a file, program, owner or mode the planner never
                                         * produces; nothing was changed */
  /* save-rom's refusals, a block of their own */
  PP_HELPER_EXIT_ROM_IN_USE       = 20, /* the card drives a display or is not on vfio-pci */
  PP_HELPER_EXIT_ROM_MISSING      = 21, /* the card shows no ROM, or reading it gave nothing */
  PP_HELPER_EXIT_ROM_BAD_SIGNATURE = 22, /* no 0x55AA, no PCI data structure, or cut short */
  PP_HELPER_EXIT_ROM_WRONG_DEVICE = 23, /* its PCI data structure names another vendor:device */
  PP_HELPER_EXIT_ROM_BAD_CHECKSUM = 24, /* the legacy image's bytes do not sum to 0 */
} PpHelperExit;

/* The highest exit status above */
#define PP_HELPER_EXIT_LAST PP_HELPER_EXIT_ROM_BAD_CHECKSUM

GQuark        pp_helper_error_quark        (void);
/* Sets a PP_HELPER_ERROR ending in exit status @code; returns FALSE to end a step */
gboolean      pp_helper_fail               (GError        **error,
                                            PpHelperExit    code,
                                            const char     *format,
                                            ...) G_GNUC_PRINTF (3, 4);

/* Where the helper keeps its state (host paths): one backup set per run,
 * named by the UTC time it was made, and the lock of a run */
#define PP_HELPER_STATE_DIR  "/var/lib/passthrough-prep"
#define PP_HELPER_BACKUP_DIR PP_HELPER_STATE_DIR "/backups"
#define PP_HELPER_LOCK_FILE  PP_HELPER_STATE_DIR "/lock"
/* save-rom's images, VENDOR-DEVICE-SUBVENDOR-SUBDEVICE.rom, readable by all:
 * the VM's QEMU reads them */
#define PP_HELPER_ROM_DIR    PP_HELPER_STATE_DIR "/roms"

typedef enum
{
  PP_HELPER_INTENT_RESERVE,    /* reserve ADDRESS [MODE] [acs-override] DIGEST */
  PP_HELPER_INTENT_REVERT,     /* revert */
  PP_HELPER_INTENT_STATUS,     /* status */
  PP_HELPER_INTENT_NEXT_BOOT,  /* next-boot-passthrough: the next boot starts the Passthrough entry */
  PP_HELPER_INTENT_SAVE_ROM,   /* save-rom ADDRESS */
} PpHelperIntent;

const char   *pp_helper_intent_to_string   (PpHelperIntent  intent);
gboolean      pp_helper_intent_from_string (const char     *text,
                                            PpHelperIntent *intent);

/* The plan digest argument: 64 lowercase hex digits (SHA-256) */
gboolean      pp_helper_digest_is_valid    (const char     *text);

/* The word between a reserve's mode and digest that asks for the plan
 * with the ACS override (pcie_acs_override=downstream,multifunction) */
#define PP_HELPER_ACS_OVERRIDE "acs-override"

/* The arguments after the helper's path: ("reserve", ADDRESS, MODE,
 * [acs-override,] DIGEST), ("revert"); @mode "every-boot" or "boot-entry" */
GStrv         pp_helper_args_reserve       (const char     *address,
                                            const char     *mode,
                                            gboolean        acs_override,
                                            const char     *digest);
/* ("save-rom", ADDRESS) */
GStrv         pp_helper_args_save_rom      (const char     *address);
/* the intents that take no argument: ("revert"), ("status"), ("next-boot-passthrough") */
GStrv         pp_helper_args_for_intent    (PpHelperIntent  intent);

/* Events, one a line on stdout: a keyword, one space, then text to the end
 * of the line, valid UTF-8 without control characters.
 *
 *   step N/M TEXT        step N of M starts ("step 2/5 Writing /etc/default/grub")
 *   log TOOL: TEXT       a line a command printed ("log mkinitcpio: ==> Building image")
 *   warning TEXT         something the user should know before restarting
 *   manual TEXT          a step this host needs done by hand
 *   backup PATH          the backup set this run saved (host path)
 *   rollback TEXT        undoing a step after a failure ("rollback Restored /etc/default/grub")
 *   state STATE ID INTENT [ADDRESS]   status: the latest backup set; STATE is
 *                        applied|incomplete|rolled-back|reverted, or "state none"
 *   file STATE PATH      status: STATE is applied|original|changed|missing
 *   done TEXT            success, always the last line
 *   failed TEXT          failure, always the last line (exit status is not 0)
 *
 * The helper never waits for a reader that does not read: a line it has no
 * room for is dropped, and "done" or "failed" then ends with "(N of M
 * progress lines were dropped: their reader did not keep up)". A line the
 * helper prints is at most PIPE_BUF (4096) bytes with its newline.
 */
typedef enum
{
  PP_HELPER_EVENT_STEP,
  PP_HELPER_EVENT_LOG,
  PP_HELPER_EVENT_WARNING,
  PP_HELPER_EVENT_MANUAL,
  PP_HELPER_EVENT_BACKUP,
  PP_HELPER_EVENT_ROLLBACK,
  PP_HELPER_EVENT_STATE,
  PP_HELPER_EVENT_FILE,
  PP_HELPER_EVENT_DONE,
  PP_HELPER_EVENT_FAILED,
  PP_HELPER_EVENT_OTHER,       /* a line that is no event: pkexec's own messages */
} PpHelperEventKind;

/* Longest line kept, in bytes; the rest is cut at a character boundary */
#define PP_HELPER_EVENT_MAX_LENGTH 4096

typedef struct
{
  PpHelperEventKind  kind;
  char              *line;     /* the whole line, cleaned: what a log shows */
  const char        *text;     /* in @line, after the keyword (all of it for OTHER) */
  guint              step;     /* STEP: N of M; 0 when the numbers are missing or wrong */
  guint              steps;
  const char        *title;    /* STEP: in @line, after "N/M " */
} PpHelperEvent;

const char   *pp_helper_event_keyword      (PpHelperEventKind kind);
/* Reads one line as the helper printed it (without its newline): any bytes,
 * any length */
void          pp_helper_event_parse        (const char      *raw,
                                            gsize            length,
                                            PpHelperEvent   *event);
void          pp_helper_event_clear        (PpHelperEvent   *event);
/* "KEYWORD TEXT" with @text made fit for one line: the line the helper prints */
char         *pp_helper_event_format       (PpHelperEventKind kind,
                                            const char      *text);
/* @text as valid UTF-8 without control characters (tabs become spaces), at
 * most PP_HELPER_EVENT_MAX_LENGTH bytes */
char         *pp_helper_event_clean_text   (const char      *text,
                                            gssize           length);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpHelperEvent, pp_helper_event_clear)

G_END_DECLS
