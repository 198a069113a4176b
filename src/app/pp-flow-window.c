/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-flow"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-flow-window.h"
#include "pp-helper-run.h"
#include "pp-host.h"
#include "pp-plan.h"

typedef enum
{
  PP_FLOW_RESERVE,
  PP_FLOW_REVERT,
} PpFlowIntent;

typedef enum
{
  PP_FLOW_MODE_WAIT,     /* planning, or the plan failed */
  PP_FLOW_MODE_REVIEW,
  PP_FLOW_MODE_RUN,
  PP_FLOW_MODE_RESULT,
} PpFlowMode;

/* The host read again and planned, off the main loop */
typedef struct
{
  PpHost      *host;
  PpBootSetup *setup;
  PpAdvice    *advice;
  PpPlan      *plan;
} PpReview;

typedef struct
{
  char       *root;
  char       *address;
  PpBootMode  mode;
  gboolean    acs_override;
} PpReviewRequest;

struct _PpFlowWindow
{
  AdwWindow          parent_instance;

  PpFlowIntent       intent;
  char              *root;
  char              *address;
  PpBootMode         mode;           /* as asked: DEFAULT, then the one chosen */
  gboolean           showing_mode;   /* the checks are being set, not toggled */
  char              *no_boot_entry;  /* why this host cannot have a Passthrough entry, or NULL */
  PpReview          *review;
  gboolean           acs_override;   /* the user chose the ACS override in the review */
  GPtrArray         *review_rows;    /* GtkWidget*: what the review added to its groups */
  GCancellable      *cancellable;
  GPtrArray         *diff_buffers;   /* GtkSourceBuffer* */

  PpHelperRun       *run;
  PpHelperRun       *next_boot_run;  /* the helper setting the Passthrough entry for the next start */
  char              *reboot_entry;   /* the entry logind is asked to start once, then restart */
  char              *why_not;        /* why nothing can be applied from here, or NULL */
  gboolean           running;
  char              *failure;        /* text of the helper's "failed" event */
  char              *backup;         /* path of its "backup" event */
  GPtrArray         *notes;          /* char*: its "manual" events */
  GtkTextMark       *log_end;
  AdwToast          *restart_toast;

  AdwToastOverlay   *toast_overlay;
  AdwHeaderBar      *header_bar;
  AdwWindowTitle    *window_title;
  GtkButton         *cancel_button;
  GtkButton         *apply_button;
  GtkLabel          *banner;
  GtkStack          *stack;
  GtkSpinner        *loading_spinner;
  AdwStatusPage     *error_page;
  AdwPreferencesPage *review_page;
  AdwPreferencesGroup *refusal_group;
  AdwPreferencesGroup *remedies_group;
  AdwPreferencesGroup *reserve_group;
  AdwPreferencesGroup *mode_group;
  AdwActionRow      *entry_mode_row;
  GtkCheckButton    *entry_mode_check;
  GtkCheckButton    *every_mode_check;
  AdwPreferencesGroup *warnings_group;
  AdwPreferencesGroup *files_group;
  AdwPreferencesGroup *commands_group;
  AdwPreferencesGroup *manual_group;
  GtkImage          *run_icon;
  GtkLabel          *run_title;
  GtkLabel          *run_description;
  GtkProgressBar    *progress_bar;
  GtkWidget         *result_buttons;
  GtkButton         *later_button;
  GtkButton         *restart_button;
  GtkButton         *restart_passthrough_button;
  GtkButton         *close_button;
  GtkTextView       *log_view;
};

G_DEFINE_FINAL_TYPE (PpFlowWindow, pp_flow_window, ADW_TYPE_WINDOW)

enum
{
  HOST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pp_review_free (PpReview *review)
{
  g_clear_pointer (&review->plan, pp_plan_free);
  g_clear_pointer (&review->advice, pp_advice_free);
  g_clear_pointer (&review->setup, pp_boot_setup_free);
  g_clear_pointer (&review->host, pp_host_free);
  g_free (review);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpReview, pp_review_free)

static void
pp_review_request_free (PpReviewRequest *request)
{
  g_free (request->root);
  g_free (request->address);
  g_free (request);
}

static void
pp_review_plan_in_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  const PpReviewRequest *request = task_data;
  g_autoptr(PpReview) review = g_new0 (PpReview, 1);
  PpPlanRequest plan_request = { request->address, request->mode, request->acs_override };
  GError *error = NULL;

  review->host = pp_host_read (request->root, &error);
  if (review->host == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  review->setup = pp_boot_setup_detect (review->host);
  review->advice = pp_advice_new (review->host);
  review->plan = pp_plan_reserve (review->host, review->setup, review->advice, &plan_request, &error);
  if (review->plan == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&review), (GDestroyNotify) pp_review_free);
}

static void
pp_flow_window_set_mode (PpFlowWindow *self,
                         PpFlowMode    mode)
{
  gboolean review = mode == PP_FLOW_MODE_REVIEW;

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), review);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), review);
  adw_header_bar_set_show_start_title_buttons (self->header_bar, !review && mode != PP_FLOW_MODE_RUN);
  adw_header_bar_set_show_end_title_buttons (self->header_bar, !review && mode != PP_FLOW_MODE_RUN);
  gtk_window_set_deletable (GTK_WINDOW (self), mode != PP_FLOW_MODE_RUN);
}

/* ------------------------------------------------------------------ review */

static void
pp_flow_window_update_style_scheme (PpFlowWindow *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (gtk_source_style_scheme_manager_get_default (),
                                                       adw_style_manager_get_dark (style) ? "Adwaita-dark" : "Adwaita");
  for (guint i = 0; i < self->diff_buffers->len; i++)
    gtk_source_buffer_set_style_scheme (g_ptr_array_index (self->diff_buffers, i), scheme);
}

static GtkWidget *
pp_flow_row_new (const char *title,
                 const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
    }
  return row;
}

static GtkWidget *
pp_flow_icon_row_new (const char *title,
                      const char *icon_name,
                      const char *style_class)
{
  GtkWidget *row = pp_flow_row_new (title, NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (icon, style_class);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
pp_diff_count (const char *diff,
               guint      *added,
               guint      *removed)
{
  g_auto(GStrv) lines = g_strsplit (diff, "\n", -1);

  *added = *removed = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "+++") || g_str_has_prefix (lines[i], "---"))
        continue;
      if (lines[i][0] == '+')
        (*added)++;
      else if (lines[i][0] == '-')
        (*removed)++;
    }
}

static GtkWidget *
pp_flow_window_file_row_new (PpFlowWindow     *self,
                             const PpFileEdit *file)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkSourceLanguage *diff = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (), "diff");
  GtkSourceBuffer *buffer = gtk_source_buffer_new_with_language (diff);
  GtkWidget *view = gtk_source_view_new_with_buffer (buffer);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  g_autofree char *subtitle = NULL;
  g_autofree char *label = NULL;
  g_autofree char *diff_text = NULL;
  g_autofree char *title = g_utf8_make_valid (file->path, -1);
  guint added, removed;

  pp_diff_count (file->diff, &added, &removed);
  if (file->old_text == NULL)
    subtitle = g_strdup (_("New file"));
  else
    /* TRANSLATORS: lines of a file, e.g. "3 lines added, 1 removed" */
    subtitle = g_strdup_printf (g_dngettext (NULL, "%u line added, %u removed", "%u lines added, %u removed", added),
                                added, removed);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  /* a file in another encoding shows its bytes as replacement characters;
   * the helper still writes them as they are */
  diff_text = g_utf8_make_valid (file->diff, -1);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (buffer), diff_text, -1);
  gtk_source_buffer_set_highlight_matching_brackets (buffer, FALSE);
  g_ptr_array_add (self->diff_buffers, buffer);

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  label = g_strdup_printf (_("Changes to %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (view, "diff-view");

  /* a diff is a few hunks: all of it shows, the page scrolls; long lines scroll sideways */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), scroller);
  return row;
}

static void
pp_flow_window_add_review_row (PpFlowWindow        *self,
                               AdwPreferencesGroup *group,
                               GtkWidget           *row)
{
  g_object_set_data (G_OBJECT (row), "pp-review-group", group);
  g_ptr_array_add (self->review_rows, row);
  adw_preferences_group_add (group, row);
}

static void
pp_flow_window_clear_review (PpFlowWindow *self)
{
  for (guint i = 0; i < self->review_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->review_rows, i);

      adw_preferences_group_remove (g_object_get_data (G_OBJECT (row), "pp-review-group"), row);
    }
  g_ptr_array_set_size (self->review_rows, 0);
  g_ptr_array_set_size (self->diff_buffers, 0);
  g_clear_pointer (&self->review, pp_review_free);
}

static void pp_flow_window_start_planning (PpFlowWindow *self);

static void
pp_flow_window_acs_toggled (PpFlowWindow *self,
                            GParamSpec   *pspec,
                            GtkSwitch    *toggle)
{
  if (gtk_switch_get_active (toggle) == self->acs_override || self->running)
    return;
  self->acs_override = gtk_switch_get_active (toggle);
  pp_flow_window_start_planning (self);
}

static const char *
pp_remedy_icon_name (PpRemedyKind kind)
{
  switch (kind)
    {
    case PP_REMEDY_CPU_SLOT:      return "view-grid-symbolic";
    case PP_REMEDY_FIRMWARE:      return "emblem-system-symbolic";
    case PP_REMEDY_OWN_FUNCTIONS: return "video-display-symbolic";
    case PP_REMEDY_ACS_OVERRIDE:
    default:                      return "dialog-warning-symbolic";
    }
}

/* Why the GPU's group is shared and what can be done; the ACS override as a
 * switch, off unless the user turns it on */
static void
pp_flow_window_show_remedies (PpFlowWindow      *self,
                              const PpGpuAdvice *gpu)
{
  gboolean shown = gpu != NULL && gpu->why_not_viable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->remedies_group), shown);
  if (!shown)
    return;
  adw_preferences_group_set_description (self->remedies_group, gpu->why_not_viable);
  for (guint i = 0; i < gpu->remedies->len; i++)
    {
      const PpRemedy *remedy = g_ptr_array_index (gpu->remedies, i);
      GtkWidget *row;

      if (remedy->kind == PP_REMEDY_ACS_OVERRIDE)
        {
          GtkWidget *toggle = gtk_switch_new ();

          row = pp_flow_row_new (_("Use the ACS Override"), remedy->text);
          gtk_switch_set_active (GTK_SWITCH (toggle), self->acs_override);
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Use the ACS override"), -1);
          g_signal_connect_object (toggle, "notify::active", G_CALLBACK (pp_flow_window_acs_toggled), self,
                                   G_CONNECT_SWAPPED);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
        }
      else
        row = pp_flow_row_new (remedy->text, NULL);
      {
        GtkWidget *icon = gtk_image_new_from_icon_name (pp_remedy_icon_name (remedy->kind));

        /* the override weakens isolation: marked as a warning is */
        if (remedy->kind == PP_REMEDY_ACS_OVERRIDE)
          gtk_widget_add_css_class (icon, "warning");
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      }
      pp_flow_window_add_review_row (self, self->remedies_group, row);
    }
}

static void
pp_flow_window_show_mode (PpFlowWindow *self,
                          const PpPlan *plan)
{
  g_autoptr(GString) entry_text = g_string_new (_("The normal boot entries stay as they are; new entries titled "
                                                   "“… (Passthrough)” give the GPU to vfio-pci, so the computer "
                                                   "starts as before unless you choose one."));

  if (plan->no_boot_entry != NULL && self->no_boot_entry == NULL)
    self->no_boot_entry = g_strdup (plan->no_boot_entry);
  if (self->no_boot_entry != NULL)
    g_string_printf (entry_text, _("Not on this computer: %s"), self->no_boot_entry);
  else if (plan->mode == PP_BOOT_MODE_BOOT_ENTRY && plan->boot_entries->len > 0)
    for (guint i = 0; i < plan->boot_entries->len; i++)
      g_string_append_printf (entry_text, "\n%s", (const char *) g_ptr_array_index (plan->boot_entries, i));
  adw_action_row_set_subtitle (self->entry_mode_row, entry_text->str);
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry_mode_row), self->no_boot_entry == NULL);

  self->showing_mode = TRUE;
  gtk_check_button_set_active (plan->mode == PP_BOOT_MODE_BOOT_ENTRY ? self->entry_mode_check
                                                                      : self->every_mode_check, TRUE);
  self->showing_mode = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->mode_group), plan->refused == NULL);
}

static void
pp_flow_window_show_review (PpFlowWindow *self)
{
  const PpReview *review = self->review;
  const PpPlan *plan = review->plan;
  const PpGpuAdvice *gpu = pp_advice_find_gpu (review->advice, self->address);
  gboolean changes = plan->files->len > 0 || plan->commands->len > 0;

  adw_window_title_set_subtitle (self->window_title, gpu != NULL ? gpu->gpu->device_name : self->address);
  pp_flow_window_show_remedies (self, gpu);

  gtk_widget_set_visible (GTK_WIDGET (self->refusal_group), plan->refused != NULL);
  adw_preferences_group_set_title (self->reserve_group, _("Reserved for the Virtual Machine"));
  adw_preferences_group_set_description (self->reserve_group,
                                         _("At the next start these functions are bound to vfio-pci, and this "
                                           "computer no longer uses them."));
  if (plan->refused != NULL)
    {
      pp_flow_window_add_review_row (self, self->refusal_group,
                                     pp_flow_icon_row_new (plan->refused, "dialog-error-symbolic", "error"));
      gtk_widget_set_visible (GTK_WIDGET (self->refusal_group), TRUE);
      adw_preferences_group_set_title (self->reserve_group, _("Functions of This GPU"));
      adw_preferences_group_set_description (self->reserve_group, NULL);
    }

  if (plan->refused == NULL)
    adw_preferences_group_set_description (self->reserve_group,
                                           plan->mode == PP_BOOT_MODE_BOOT_ENTRY
                                           ? _("When you start an entry titled “… (Passthrough)” these functions "
                                               "are bound to vfio-pci; the normal entries leave them to the host.")
                                           : _("At the next start these functions are bound to vfio-pci, and this "
                                               "computer no longer uses them."));
  for (guint i = 0; i < plan->reserve->len; i++)
    {
      const char *address = g_ptr_array_index (plan->reserve, i);
      const PpPciDevice *device = pp_host_find_device (review->host, address);
      g_autofree char *ids = device != NULL ? pp_pci_device_dup_ids (device) : NULL;
      g_autofree char *subtitle = NULL;

      if (device == NULL)
        continue;
      if (device->driver != NULL)
        /* TRANSLATORS: PCI address · vendor:device IDs · the driver that has the device now */
        subtitle = g_strdup_printf (_("%s · %s · now %s"), address, ids, device->driver);
      else
        subtitle = g_strdup_printf ("%s · %s", address, ids);
      pp_flow_window_add_review_row (self, self->reserve_group, pp_flow_row_new (device->device_name, subtitle));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reserve_group), plan->reserve->len > 0);

  for (guint i = 0; i < plan->warnings->len; i++)
    pp_flow_window_add_review_row (self, self->warnings_group, pp_flow_icon_row_new (g_ptr_array_index (plan->warnings, i),
                                                     "dialog-warning-symbolic", "warning"));
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), plan->warnings->len > 0);
  pp_flow_window_show_mode (self, plan);

  for (guint i = 0; i < plan->files->len; i++)
    {
      GtkWidget *row = pp_flow_window_file_row_new (self, g_ptr_array_index (plan->files, i));

      /* one diff open at first shows what the rows hold */
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), i == 0);
      pp_flow_window_add_review_row (self, self->files_group, row);
    }
  if (plan->refused == NULL && !changes)
    pp_flow_window_add_review_row (self, self->files_group,
                                   pp_flow_row_new (_("Nothing to change: this GPU is reserved already"), NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->files_group), plan->refused == NULL);
  pp_flow_window_update_style_scheme (self);

  for (guint i = 0; i < plan->commands->len; i++)
    {
      g_autofree char *command = g_strjoinv (" ", g_ptr_array_index (plan->commands, i));
      GtkWidget *row = pp_flow_row_new (command, NULL);

      gtk_widget_add_css_class (row, "monospace");
      pp_flow_window_add_review_row (self, self->commands_group, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->commands_group), plan->commands->len > 0);

  for (guint i = 0; i < plan->manual_steps->len; i++)
    pp_flow_window_add_review_row (self, self->manual_group,
                                   pp_flow_row_new (g_ptr_array_index (plan->manual_steps, i), NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->manual_group), plan->manual_steps->len > 0);

  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), plan->refused == NULL && changes && self->why_not == NULL);
  if (plan->refused != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->apply_button), _("This GPU cannot be reserved: see why above"));
  else if (self->why_not != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->apply_button), self->why_not);
  pp_flow_window_set_mode (self, PP_FLOW_MODE_REVIEW);
  gtk_stack_set_visible_child_name (self->stack, "review");
}

static void pp_flow_window_plan_done (GObject *source, GAsyncResult *result, gpointer user_data);

static void
pp_flow_window_start_planning (PpFlowWindow *self)
{
  PpReviewRequest *request = g_new0 (PpReviewRequest, 1);
  g_autoptr(GTask) task = NULL;

  gtk_spinner_set_spinning (self->loading_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  pp_flow_window_set_mode (self, PP_FLOW_MODE_WAIT);
  request->root = g_strdup (self->root);
  request->address = g_strdup (self->address);
  request->mode = self->mode;
  request->acs_override = self->acs_override;
  task = g_task_new (self, self->cancellable, pp_flow_window_plan_done, g_object_ref (self));
  g_task_set_source_tag (task, pp_flow_window_start_planning);
  g_task_set_task_data (task, request, (GDestroyNotify) pp_review_request_free);
  g_task_run_in_thread (task, pp_review_plan_in_thread);
}

/* The other mode is planned anew: its files differ */
static void
pp_flow_window_mode_toggled (PpFlowWindow   *self,
                             GtkCheckButton *check)
{
  PpBootMode mode = check == self->entry_mode_check ? PP_BOOT_MODE_BOOT_ENTRY : PP_BOOT_MODE_EVERY_BOOT;

  if (self->showing_mode || !gtk_check_button_get_active (check) || self->review == NULL
      || self->review->plan->mode == mode)
    return;
  self->mode = mode;
  pp_flow_window_clear_review (self);
  pp_flow_window_start_planning (self);
}

static void
pp_flow_window_plan_done (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(PpFlowWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PpReview *review = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  if (review == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  /* the review planned again (the ACS override switched) replaces the one shown */
  pp_flow_window_clear_review (self);
  self->review = review;
  pp_flow_window_show_review (self);
}

/* ------------------------------------------------------------------ run */

static void
pp_flow_window_append_log (PpFlowWindow *self,
                           const char   *line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_view_scroll_mark_onscreen (self->log_view, self->log_end);
}

static void
pp_flow_window_handle_event (PpFlowWindow        *self,
                             const PpHelperEvent *event)
{
  switch (event->kind)
    {
    case PP_HELPER_EVENT_STEP:
      if (event->steps > 0)
        gtk_progress_bar_set_fraction (self->progress_bar, (double) (event->step - 1) / event->steps);
      gtk_progress_bar_set_text (self->progress_bar, event->title);
      pp_flow_window_append_log (self, event->line);
      break;
    case PP_HELPER_EVENT_LOG:
      pp_flow_window_append_log (self, event->text);
      break;
    /* the warnings were on the review already; the steps by hand are still to do after it */
    case PP_HELPER_EVENT_MANUAL:
      g_ptr_array_add (self->notes, g_strdup (event->text));
      pp_flow_window_append_log (self, event->line);
      break;
    case PP_HELPER_EVENT_BACKUP:
      g_free (self->backup);
      self->backup = g_strdup (event->text);
      pp_flow_window_append_log (self, event->line);
      break;
    case PP_HELPER_EVENT_FAILED:
      g_free (self->failure);
      self->failure = g_strdup (event->text);
      pp_flow_window_append_log (self, event->line);
      break;
    case PP_HELPER_EVENT_DONE:
      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_progress_bar_set_text (self->progress_bar, event->text);
      pp_flow_window_append_log (self, event->line);
      break;
    case PP_HELPER_EVENT_WARNING:
    case PP_HELPER_EVENT_ROLLBACK:
    case PP_HELPER_EVENT_STATE:
    case PP_HELPER_EVENT_FILE:
    case PP_HELPER_EVENT_OTHER:
    default:
      pp_flow_window_append_log (self, event->line);
      break;
    }
}

static void
pp_flow_window_set_result (PpFlowWindow *self,
                           gboolean      success,
                           const char   *title,
                           const char   *description)
{
  gtk_image_set_from_icon_name (self->run_icon, success ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->run_icon), success ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  success ? _("Done") : _("Failed"), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->run_icon), TRUE);
  gtk_label_set_label (self->run_title, title);
  gtk_label_set_label (self->run_description, description);
  gtk_widget_set_visible (GTK_WIDGET (self->run_description), description != NULL && *description != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), success);
  gtk_widget_set_visible (self->result_buttons, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->later_button), success);
  gtk_widget_set_visible (GTK_WIDGET (self->restart_button), success);
  gtk_widget_set_visible (GTK_WIDGET (self->close_button), !success);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  pp_flow_window_set_mode (self, PP_FLOW_MODE_RESULT);
  gtk_widget_grab_focus (GTK_WIDGET (success ? self->restart_button : self->close_button));
}

/* A failure's message: what happened, in the helper's words, and what that
 * means for the files */
static void
pp_flow_window_show_failure (PpFlowWindow *self,
                             int           status)
{
  const char *reason = self->failure;
  g_autofree char *description = NULL;
  const char *title;

  gboolean through_pkexec = self->run != NULL && pp_helper_run_is_pkexec (self->run);

  if (through_pkexec && status == 126)
    {
      title = _("Authorization Dismissed");
      description = g_strdup (_("Nothing was changed. Try again when you are ready to enter the password."));
    }
  else if (through_pkexec && status == 127)
    {
      title = _("Not Authorized");
      description = g_strdup_printf (_("Either the password was not accepted, or the helper is not installed at %s. "
                                       "Nothing was changed."), HELPER_PATH);
    }
  else
    switch (status)
      {
      case PP_HELPER_EXIT_FAILED:
        title = self->intent == PP_FLOW_RESERVE ? _("Reserving the GPU Failed") : _("Reverting Failed");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : _("A step failed."),
                                       _("Every file was restored from the backup: this computer is as it was before."));
        break;
      case PP_HELPER_EXIT_REFUSED:
        title = _("This GPU Cannot Be Reserved");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "", _("Nothing was changed."));
        break;
      case PP_HELPER_EXIT_UNSAFE_TARGET:
        title = _("A File Is Not Safe to Write");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "", _("Nothing was changed."));
        break;
      case PP_HELPER_EXIT_CHANGED_SINCE:
        title = _("A File Changed Since");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "",
                                       _("Nothing was changed: put the file back as PassthroughPrep left it, "
                                         "or restore it by hand from the backup."));
        break;
      case PP_HELPER_EXIT_NOTHING_TO_DO:
        title = _("Nothing to Revert");
        description = g_strdup (_("PassthroughPrep has made no change on this computer that could be reverted."));
        break;
      case PP_HELPER_EXIT_HOST_UNREADABLE:
        title = _("Cannot Read This Computer");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "", _("Nothing was changed."));
        break;
      case PP_HELPER_EXIT_ROLLBACK_FAILED:
        title = _("Undoing the Change Failed Too");
        description = g_strdup_printf (_("%s\n\nNot everything could be put back: a file, or a rebuild run again "
                                         "on the restored files. The log says which, and what to run by hand. "
                                         "The original files are saved in %s."),
                                       reason != NULL ? reason : "",
                                       self->backup != NULL ? self->backup : PP_HELPER_BACKUP_DIR);
        break;
      case PP_HELPER_EXIT_PLAN_CHANGED:
        title = _("The System Changed Since the Review");
        description = g_strdup_printf ("%s\n\n%s", reason != NULL ? reason : "",
                                       _("Nothing was changed. Close this window and review the changes again: "
                                         "what is applied must be what you saw."));
        break;
      case PP_HELPER_EXIT_BAD_BACKUP:
        title = _("The Backup Is Damaged");
        description = g_strdup_printf (_("%s\n\nPassthroughPrep reverts only from a backup it can trust. "
                                         "The original files are still in %s: compare them with the ones in "
                                         "use and put them back by hand."),
                                       reason != NULL ? reason : "", PP_HELPER_BACKUP_DIR);
        break;
      case PP_HELPER_EXIT_BUSY:
        title = _("Another Change Is Running");
        description = g_strdup (_("Wait until it has finished, then try again. Nothing was changed."));
        break;
      default:
        title = _("The Helper Failed");
        if (reason != NULL)
          description = g_strdup (reason);
        else if (status < 0)
          description = g_strdup (_("It was stopped before it finished."));
        else
          description = g_strdup_printf (_("It ended with status %d."), status);
        break;
      }
  pp_flow_window_set_result (self, FALSE, title, description);
}

static void
pp_flow_window_show_success (PpFlowWindow *self)
{
  g_autoptr(GString) description = g_string_new (NULL);

  gboolean entry = self->intent == PP_FLOW_RESERVE && self->review->plan->mode == PP_BOOT_MODE_BOOT_ENTRY;

  if (entry)
    g_string_append (description, _("The files are written and the initramfs and boot configuration rebuilt. "
                                    "When you start an entry titled “… (Passthrough)” the reserved functions "
                                    "belong to vfio-pci; the normal entries leave the GPU to the host. "
                                    "Readiness then shows which entry is running and whether each function is "
                                    "bound."));
  else if (self->intent == PP_FLOW_RESERVE)
    g_string_append (description, _("The files are written and the initramfs and boot configuration rebuilt. "
                                    "After a restart the reserved functions belong to vfio-pci; "
                                    "Readiness then shows whether each one is bound."));
  else
    g_string_append (description, _("Every file is back as it was. After a restart the GPU is "
                                    "used by its own driver again."));
  for (guint i = 0; i < self->notes->len; i++)
    g_string_append_printf (description, "\n\n%s", (const char *) g_ptr_array_index (self->notes, i));
  pp_flow_window_set_result (self, TRUE, _("Restart to Finish"), description->str);
  if (entry && self->review->plan->restart_method != PP_RESTART_MENU)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->restart_passthrough_button), TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->restart_button), "suggested-action");
      gtk_widget_grab_focus (GTK_WIDGET (self->restart_passthrough_button));
    }
}

static void
pp_flow_window_helper_event (PpFlowWindow        *self,
                             const PpHelperEvent *event)
{
  pp_flow_window_handle_event (self, event);
}

static void
pp_flow_window_helper_exited (PpFlowWindow *self,
                              int           status)
{
  self->running = FALSE;
  if (status == PP_HELPER_EXIT_OK)
    pp_flow_window_show_success (self);
  else
    pp_flow_window_show_failure (self, status);
  /* even a failure may have run commands again; read the host anew in any case */
  g_signal_emit (self, signals[HOST_CHANGED], 0);
}

static void
pp_flow_window_run_helper (PpFlowWindow *self)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  const char *title = self->intent == PP_FLOW_RESERVE ? _("Reserving the GPU") : _("Reverting the Changes");

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);
  gtk_label_set_label (self->run_title, title);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Waiting for authorization…"));
  pp_flow_window_set_mode (self, PP_FLOW_MODE_RUN);
  gtk_stack_set_visible_child_name (self->stack, "run");

  if (self->why_not != NULL)
    {
      self->failure = g_strdup (self->why_not);
      pp_flow_window_show_failure (self, -1);
      return;
    }

  /* the digest makes the helper refuse anything but the plan shown */
  if (self->intent == PP_FLOW_RESERVE)
    args = pp_helper_args_reserve (self->address, pp_boot_mode_to_string (self->review->plan->mode),
                                   self->review->plan->acs_override, self->review->plan->digest);
  else
    args = pp_helper_args_for_intent (PP_HELPER_INTENT_REVERT);
  self->run = pp_helper_run_new (self->root, (const char * const *) args);
  g_signal_connect_object (self->run, "event", G_CALLBACK (pp_flow_window_helper_event), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "exited", G_CALLBACK (pp_flow_window_helper_exited), self, G_CONNECT_SWAPPED);
  if (!pp_helper_run_start (self->run, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot run %s: %s"), pp_helper_run_get_program (self->run),
                                                  error->message);

      pp_flow_window_append_log (self, message);
      self->failure = g_steal_pointer (&message);
      pp_flow_window_show_failure (self, -1);
      return;
    }
  self->running = TRUE;
}

static void
pp_flow_window_apply_clicked (PpFlowWindow *self)
{
  if (self->review == NULL || self->review->plan->refused != NULL || self->running || self->why_not != NULL)
    return;
  pp_flow_window_run_helper (self);
}

/* ------------------------------------------------------------------ restart */

static void
pp_flow_window_restart_failed (PpFlowWindow *self,
                               GError       *error)
{
  g_autofree char *remote_error = g_dbus_error_get_remote_error (error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED)
      || g_strcmp0 (remote_error, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") == 0)
    message = g_strdup (_("Restart not allowed here: use the system menu"));
  else if ((error->domain == G_IO_ERROR && error->code != G_IO_ERROR_DBUS_ERROR)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND))
    message = g_strdup (_("Cannot reach logind to restart: use the system menu"));
  else
    {
      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("Cannot restart: %s"), error->message);
    }
  if (self->restart_toast != NULL)
    adw_toast_dismiss (self->restart_toast);
  g_set_object (&self->restart_toast, adw_toast_new (message));
  adw_toast_set_timeout (self->restart_toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->restart_toast));
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_passthrough_button), TRUE);
}

static void
pp_flow_window_reboot_called (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(PpFlowWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    pp_flow_window_restart_failed (self, error);
}

static void
pp_flow_window_reboot (PpFlowWindow    *self,
                       GDBusConnection *bus)
{
  /* interactive: where polkit wants a password for restarting, the user is asked for it */
  g_dbus_connection_call (bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                          "org.freedesktop.login1.Manager", "Reboot",
                          g_variant_new ("(b)", TRUE), NULL, G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          G_MAXINT /* logind answers once the password dialog is done */,
                          self->cancellable, pp_flow_window_reboot_called, g_object_ref (self));
}

/* systemd-boot will start the Passthrough entry once: now restart */
static void
pp_flow_window_entry_set (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(PpFlowWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply != NULL)
    pp_flow_window_reboot (self, G_DBUS_CONNECTION (source));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    pp_flow_window_restart_failed (self, error);
}

static void
pp_flow_window_got_system_bus (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  g_autoptr(PpFlowWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);

  if (bus == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        pp_flow_window_restart_failed (self, error);
      return;
    }
  if (self->reboot_entry != NULL)
    {
      g_autofree char *entry = g_steal_pointer (&self->reboot_entry);

      g_dbus_connection_call (bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                              "org.freedesktop.login1.Manager", "SetRebootToBootLoaderEntry",
                              g_variant_new ("(s)", entry), NULL, G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                              G_MAXINT, self->cancellable, pp_flow_window_entry_set, g_object_ref (self));
      return;
    }
  pp_flow_window_reboot (self, bus);
}

static void
pp_flow_window_start_restart (PpFlowWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_passthrough_button), FALSE);
  if (self->restart_toast != NULL)
    adw_toast_dismiss (self->restart_toast);
  g_clear_object (&self->restart_toast);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, pp_flow_window_got_system_bus, g_object_ref (self));
}

static void
pp_flow_window_restart_clicked (PpFlowWindow *self)
{
  g_clear_pointer (&self->reboot_entry, g_free);
  pp_flow_window_start_restart (self);
}

static void
pp_flow_window_next_boot_event (PpFlowWindow        *self,
                                const PpHelperEvent *event)
{
  pp_flow_window_append_log (self, event->line);
  if (event->kind == PP_HELPER_EVENT_FAILED)
    {
      g_free (self->failure);
      self->failure = g_strdup (event->text);
    }
}

/* GRUB will start the Passthrough entry once (grub-reboot, as root): now restart */
static void
pp_flow_window_next_boot_exited (PpFlowWindow *self,
                                 int           status)
{
  g_clear_object (&self->next_boot_run);
  if (status == PP_HELPER_EXIT_OK)
    {
      pp_flow_window_start_restart (self);
      return;
    }
  g_set_object (&self->restart_toast,
                adw_toast_new (self->failure != NULL ? self->failure
                                                     : _("The Passthrough entry could not be set for the next start: "
                                                         "choose it in the boot menu")));
  adw_toast_set_timeout (self->restart_toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->restart_toast));
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_passthrough_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_button), TRUE);
}

static void
pp_flow_window_restart_passthrough_clicked (PpFlowWindow *self)
{
  const PpPlan *plan = self->review->plan;
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;

  if (plan->restart_method == PP_RESTART_LOGIND)
    {
      g_free (self->reboot_entry);
      self->reboot_entry = g_strdup (plan->restart_entry);
      pp_flow_window_start_restart (self);
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_passthrough_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restart_button), FALSE);
  g_clear_pointer (&self->failure, g_free);
  args = pp_helper_args_for_intent (PP_HELPER_INTENT_NEXT_BOOT);
  self->next_boot_run = pp_helper_run_new (self->root, (const char * const *) args);
  g_signal_connect_object (self->next_boot_run, "event", G_CALLBACK (pp_flow_window_next_boot_event), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->next_boot_run, "exited", G_CALLBACK (pp_flow_window_next_boot_exited), self,
                           G_CONNECT_SWAPPED);
  if (!pp_helper_run_start (self->next_boot_run, &error))
    {
      self->failure = g_strdup (error->message);
      pp_flow_window_next_boot_exited (self, -1);
    }
}

/* ------------------------------------------------------------------ object */

static PpFlowWindow *
pp_flow_window_new (GtkWindow    *parent,
                    const char   *root,
                    PpFlowIntent  intent)
{
  PpFlowWindow *self = g_object_new (PP_TYPE_FLOW_WINDOW,
                                     "transient-for", parent,
                                     "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                                     NULL);

  self->root = g_strdup (root != NULL ? root : "/");
  self->intent = intent;
  self->why_not = pp_helper_run_why_not (self->root, PP_POLKIT_ACTIONS_DIR);
  gtk_label_set_label (self->banner, self->why_not);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), self->why_not != NULL);
  return self;
}

PpFlowWindow *
pp_flow_window_new_reserve (GtkWindow  *parent,
                            const char *root,
                            const char *address)
{
  PpFlowWindow *self = pp_flow_window_new (parent, root, PP_FLOW_RESERVE);

  self->address = g_strdup (address);
  self->mode = PP_BOOT_MODE_DEFAULT;
  gtk_window_set_title (GTK_WINDOW (self), _("Review the Changes"));
  adw_window_title_set_title (self->window_title, _("Review the Changes"));
  adw_window_title_set_subtitle (self->window_title, address);
  pp_flow_window_start_planning (self);
  return self;
}

PpFlowWindow *
pp_flow_window_new_revert (GtkWindow  *parent,
                           const char *root)
{
  PpFlowWindow *self = pp_flow_window_new (parent, root, PP_FLOW_REVERT);

  pp_flow_window_run_helper (self);
  return self;
}

static gboolean
pp_flow_window_close_request (GtkWindow *window)
{
  PpFlowWindow *self = PP_FLOW_WINDOW (window);

  /* the helper goes on without us: stay until it says how it ended */
  if (self->running)
    return TRUE;
  /* GTK 4.8 crashes announcing a toast of a window that is gone */
  if (self->restart_toast != NULL)
    adw_toast_dismiss (self->restart_toast);
  return GTK_WINDOW_CLASS (pp_flow_window_parent_class)->close_request (window);
}

static void
pp_flow_window_dispose (GObject *object)
{
  PpFlowWindow *self = PP_FLOW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);

  G_OBJECT_CLASS (pp_flow_window_parent_class)->dispose (object);
}

static void
pp_flow_window_finalize (GObject *object)
{
  PpFlowWindow *self = PP_FLOW_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->restart_toast);
  g_clear_object (&self->run);
  g_clear_object (&self->next_boot_run);
  g_clear_pointer (&self->reboot_entry, g_free);
  g_clear_pointer (&self->no_boot_entry, g_free);
  g_clear_pointer (&self->review, pp_review_free);
  g_clear_pointer (&self->why_not, g_free);
  g_clear_pointer (&self->diff_buffers, g_ptr_array_unref);
  g_clear_pointer (&self->review_rows, g_ptr_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->backup, g_free);

  G_OBJECT_CLASS (pp_flow_window_parent_class)->finalize (object);
}

static void
pp_flow_window_class_init (PpFlowWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pp_flow_window_dispose;
  object_class->finalize = pp_flow_window_finalize;
  window_class->close_request = pp_flow_window_close_request;

  /* the helper ran: the host's files, and so its readiness, may differ now */
  signals[HOST_CHANGED] = g_signal_new ("host-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_source_init ();

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ultmos/PassthroughPrep/pp-flow-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, apply_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, review_page);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, refusal_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, remedies_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, reserve_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, mode_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, entry_mode_row);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, entry_mode_check);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, every_mode_check);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, files_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, commands_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, manual_group);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, run_icon);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, run_title);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, run_description);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, result_buttons);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, later_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, restart_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, restart_passthrough_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, close_button);
  gtk_widget_class_bind_template_child (widget_class, PpFlowWindow, log_view);
  gtk_widget_class_bind_template_callback (widget_class, pp_flow_window_apply_clicked);
  gtk_widget_class_bind_template_callback (widget_class, pp_flow_window_restart_clicked);
  gtk_widget_class_bind_template_callback (widget_class, pp_flow_window_restart_passthrough_clicked);
  gtk_widget_class_bind_template_callback (widget_class, pp_flow_window_mode_toggled);
}

static void
pp_flow_window_init (PpFlowWindow *self)
{
  GtkTextBuffer *log;
  GtkTextIter end;

  self->cancellable = g_cancellable_new ();
  self->diff_buffers = g_ptr_array_new_with_free_func (g_object_unref);
  self->notes = g_ptr_array_new_with_free_func (g_free);
  self->review_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  log = gtk_text_view_get_buffer (self->log_view);
  gtk_text_buffer_get_end_iter (log, &end);
  self->log_end = gtk_text_buffer_create_mark (log, "log-end", &end, FALSE);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (pp_flow_window_update_style_scheme), self, G_CONNECT_SWAPPED);
}
