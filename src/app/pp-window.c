/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-flow-window.h"
#include "pp-format.h"
#include "pp-gpu-card.h"
#include "pp-group-card.h"
#include "pp-helper-run.h"
#include "pp-host.h"
#include "pp-readiness.h"
#include "pp-snapshot.h"
#include "pp-topology-view.h"
#include "pp-vm.h"
#include "pp-vm-window.h"
#include "pp-widget-util.h"
#include "pp-window.h"


struct _PpWindow
{
  AdwApplicationWindow  parent_instance;

  char                 *root;
  char                 *why_not;          /* why nothing can be applied from here, or NULL */
  PpSnapshot           *snapshot;
  GCancellable         *cancellable;
  gboolean              loading;
  gboolean              shown_once;
  guint                 cards_idle_id;
  char                 *selected_gpu;
  GPtrArray            *check_rows;       /* GtkWidget*, in checks_group */
  GPtrArray            *warning_rows;     /* GtkWidget*, in warnings_group */

  AdwToastOverlay      *toast_overlay;
  GtkLabel             *banner;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack             *main_stack;
  GtkSpinner           *loading_spinner;
  /* the status pages get their icons when shown: each icon not on the first
   * frame is a file loaded (an SVG rendered at 128 px) that start-up need not pay for */
  AdwStatusPage        *error_page;
  AdwViewStack         *view_stack;
  AdwViewSwitcherBar   *switcher_bar;
  GtkImage             *verdict_icon;
  GtkLabel             *verdict_title;
  GtkLabel             *verdict_description;
  GtkLabel             *host_label;
  AdwPreferencesGroup  *checks_group;
  AdwPreferencesGroup  *warnings_group;
  GtkStack             *gpus_stack;
  GtkFlowBox           *gpu_flow_box;
  AdwStatusPage        *gpus_status;
  GtkStack             *groups_stack;
  GtkSearchEntry       *search_entry;
  AdwLeaflet           *groups_leaflet;
  GtkBox               *topology_pane;
  GtkToggleButton      *tree_button;
  /* the PCIe tree: made the first time the IOMMU Groups page shows, filled
   * from each snapshot while it shows */
  PpTopologyView       *topology;
  gboolean              topology_filled;
  GtkStack             *groups_results_stack;
  GtkFlowBox           *group_flow_box;
  AdwStatusPage        *groups_status;
  AdwStatusPage        *no_results_status;
};

G_DEFINE_FINAL_TYPE (PpWindow, pp_window, ADW_TYPE_APPLICATION_WINDOW)

static void
pp_snapshot_read_in_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  GError *error = NULL;
  PpSnapshot *snapshot = pp_snapshot_read (task_data, &error);

  if (snapshot == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, snapshot, (GDestroyNotify) pp_snapshot_free);
}

static void
pp_window_clear_rows (AdwPreferencesGroup *group,
                      GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
pp_flow_box_remove_all (GtkFlowBox *flow_box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (flow_box))) != NULL)
    gtk_flow_box_remove (flow_box, child);
}

static GtkWidget *
pp_check_row_new (const PpCheck *check)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (pp_check_status_icon_name (check->status));
  g_autofree char *summary = g_markup_escape_text (check->summary, -1);
  g_autofree char *subtitle = NULL;
  const char *status_text;

  switch (check->status)
    {
    case PP_CHECK_OK:      status_text = _("Ready"); break;
    case PP_CHECK_INFO:    status_text = _("For information"); break;
    case PP_CHECK_WARNING: status_text = _("Needs attention"); break;
    case PP_CHECK_ERROR:
    default:               status_text = _("Blocks passthrough"); break;
    }

  if (check->next_step != NULL)
    {
      g_autofree char *next_step = g_markup_escape_text (check->next_step, -1);

      subtitle = g_strdup_printf ("%s\n%s", summary, next_step);
    }
  else
    subtitle = g_steal_pointer (&summary);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), check->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "check-row");

  gtk_widget_add_css_class (icon, pp_check_status_style_class (check->status));
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (icon, status_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, status_text, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  return row;
}

/* The first GPU whose functions are all on vfio-pci, or NULL */
static const PpGpuAdvice *
pp_window_bound_gpu (const PpAdvice *advice)
{
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      const PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      if (pp_vm_gpu_is_bound (gpu))
        return gpu;
    }
  return NULL;
}

/* After the restart the reserved functions' row leads on to the VM */
static void
pp_window_add_use_in_vm (GtkWidget         *row,
                         const PpGpuAdvice *gpu)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Use in a VM"));
  g_autofree char *description = g_strdup_printf (_("Give %s to a virtual machine: its VM configuration"),
                                                  gpu->gpu->device_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.use-in-vm");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", gpu->gpu->address);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
pp_window_show_readiness (PpWindow *self)
{
  const PpSnapshot *snapshot = self->snapshot;
  PpCheckStatus overall = pp_readiness_overall (snapshot->checks);
  /* notes for information do not make the verdict any less ready */
  PpCheckStatus verdict = overall == PP_CHECK_INFO ? PP_CHECK_OK : overall;
  const char *os_name = snapshot->host->os_name != NULL ? snapshot->host->os_name : _("Unknown system");
  const char *title;
  g_autofree char *description = NULL;
  g_autofree char *host_text = NULL;

  if (g_strcmp0 (self->root, "/") == 0)
    host_text = g_strdup_printf (_("%s, this computer"), os_name);
  else
    host_text = g_strdup_printf (_("%s, read from %s"), os_name, self->root);

  switch (snapshot->advice->scenario)
    {
    case PP_SCENARIO_NO_GPU:
      title = _("No GPU to Pass Through");
      break;
    case PP_SCENARIO_SINGLE_GPU:
      title = _("Single-GPU Passthrough Is Not Supported");
      break;
    case PP_SCENARIO_IGPU_DGPU:
    case PP_SCENARIO_MULTI_DGPU:
    default:
      if (overall == PP_CHECK_ERROR)
        title = _("Not Ready Yet");
      else if (overall == PP_CHECK_WARNING)
        title = _("Almost Ready");
      else
        title = _("Ready to Reserve a GPU");
      break;
    }
  if (overall == PP_CHECK_ERROR && snapshot->advice->scenario >= PP_SCENARIO_IGPU_DGPU)
    description = g_strdup_printf ("%s %s", snapshot->advice->scenario_summary,
                                   _("Fix the checks marked with an error below first."));
  else
    description = g_strdup (snapshot->advice->scenario_summary);

  gtk_label_set_label (self->verdict_title, title);
  gtk_label_set_label (self->host_label, host_text);
  gtk_label_set_label (self->verdict_description, description);
  gtk_image_set_from_icon_name (self->verdict_icon, pp_check_status_icon_name (verdict));
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "accent");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), pp_check_status_style_class (verdict));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  pp_window_clear_rows (self->checks_group, self->check_rows);
  for (guint i = 0; i < snapshot->checks->len; i++)
    {
      const PpCheck *check = g_ptr_array_index (snapshot->checks, i);
      GtkWidget *row;

      /* the scenario is the verdict above */
      if (g_strcmp0 (check->id, "scenario") == 0)
        continue;
      row = pp_check_row_new (check);
      if (g_strcmp0 (check->id, "reserved") == 0 && pp_window_bound_gpu (snapshot->advice) != NULL)
        pp_window_add_use_in_vm (row, pp_window_bound_gpu (snapshot->advice));
      adw_preferences_group_add (self->checks_group, row);
      g_ptr_array_add (self->check_rows, row);
    }

  pp_window_clear_rows (self->warnings_group, self->warning_rows);
  for (guint i = 0; i < snapshot->host->warnings->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *text = g_markup_escape_text (g_ptr_array_index (snapshot->host->warnings, i), -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), TRUE);
      adw_preferences_group_add (self->warnings_group, row);
      g_ptr_array_add (self->warning_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_group), self->warning_rows->len > 0);
}

static const char *
pp_window_default_gpu (const PpAdvice *advice)
{
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      const PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      if (gpu->viable && !gpu->gpu->boot_vga)
        return gpu->gpu->address;
    }
  return NULL;
}

static void
pp_window_show_gpus (PpWindow *self)
{
  const PpAdvice *advice = self->snapshot->advice;
  GtkFlowBoxChild *selected = NULL;
  g_autofree char *wanted = NULL;

  wanted = self->selected_gpu != NULL && advice != NULL
             && pp_advice_find_gpu (advice, self->selected_gpu) != NULL
           ? g_strdup (self->selected_gpu)
           : g_strdup (pp_window_default_gpu (advice));

  pp_flow_box_remove_all (self->gpu_flow_box);
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      const PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      GtkWidget *card = pp_gpu_card_new (gpu);

      gtk_flow_box_append (self->gpu_flow_box, card);
      if (g_strcmp0 (gpu->gpu->address, wanted) == 0)
        selected = GTK_FLOW_BOX_CHILD (gtk_widget_get_parent (card));
    }

  if (advice->gpus->len == 0)
    {
      adw_status_page_set_icon_name (self->gpus_status, "video-display-symbolic");
      adw_status_page_set_title (self->gpus_status, _("No GPU Found"));
      adw_status_page_set_description (self->gpus_status,
                                       _("This computer shows no display controller on its PCI bus. "
                                         "A VM with a real GPU needs a graphics card of its own."));
      gtk_stack_set_visible_child_name (self->gpus_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->gpus_stack, "cards");

  g_clear_pointer (&self->selected_gpu, g_free);
  if (selected != NULL)
    gtk_flow_box_select_child (self->gpu_flow_box, selected);
}

static int
pp_group_card_sort (GtkFlowBoxChild *a,
                    GtkFlowBoxChild *b,
                    gpointer         user_data)
{
  PpGroupCard *card_a = PP_GROUP_CARD (gtk_flow_box_child_get_child (a));
  PpGroupCard *card_b = PP_GROUP_CARD (gtk_flow_box_child_get_child (b));
  int id_a = pp_group_card_get_group_id (card_a);
  int id_b = pp_group_card_get_group_id (card_b);
  gboolean gpu_a = pp_group_card_has_gpu (card_a);
  gboolean gpu_b = pp_group_card_has_gpu (card_b);

  if (gpu_a != gpu_b)
    return gpu_a ? -1 : 1;
  /* the devices without a group come last */
  if ((id_a == PP_NO_IOMMU_GROUP) != (id_b == PP_NO_IOMMU_GROUP))
    return id_a == PP_NO_IOMMU_GROUP ? 1 : -1;
  return id_a < id_b ? -1 : id_a > id_b;
}

/* Hides the group cards the search does not match. Hidden rather than filtered
 * so that screen readers, too, only meet the cards that are shown. */
static void
pp_window_update_search_results (PpWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = g_utf8_casefold (g_strstrip (g_strdup (text)), -1);
  gboolean any = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->group_flow_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      gboolean matches = pp_group_card_matches (PP_GROUP_CARD (card), needle);

      gtk_widget_set_visible (child, matches);
      any |= matches;
    }
  if (!any)
    adw_status_page_set_icon_name (self->no_results_status, "edit-find-symbolic");
  gtk_stack_set_visible_child_name (self->groups_results_stack, any ? "results" : "no-results");
}

static void
pp_window_highlight_groups (PpWindow *self)
{
  GList *selected = gtk_flow_box_get_selected_children (self->gpu_flow_box);
  PpGpuCard *gpu_card = NULL;

  if (selected != NULL)
    gpu_card = PP_GPU_CARD (gtk_flow_box_child_get_child (selected->data));
  g_list_free (selected);
  if (self->topology != NULL && self->topology_filled)
    pp_topology_view_set_selected_gpu (self->topology, gpu_card != NULL ? pp_gpu_card_get_address (gpu_card) : NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->group_flow_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      PpGroupCard *card = PP_GROUP_CARD (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)));
      int id = pp_group_card_get_group_id (card);

      pp_group_card_set_highlighted (card, gpu_card != NULL && id != PP_NO_IOMMU_GROUP
                                           && pp_gpu_card_uses_group (gpu_card, id));
    }
}

static void
pp_window_show_groups (PpWindow *self)
{
  const PpHost *host = self->snapshot->host;

  pp_flow_box_remove_all (self->group_flow_box);

  if (!pp_host_iommu_enabled (host))
    {
      g_autofree char *description = NULL;

      if (host->cpu_vendor == PP_CPU_VENDOR_AMD)
        description = g_strdup (_("Turn on “IOMMU” or “AMD-Vi” in the firmware (BIOS/UEFI) settings, "
                                  "then add amd_iommu=on iommu=pt to the kernel command line and restart. "
                                  "Reserving a GPU adds those parameters for you."));
      else
        description = g_strdup (_("Turn on “VT-d” in the firmware (BIOS/UEFI) settings, then add "
                                  "intel_iommu=on iommu=pt to the kernel command line and restart. "
                                  "Reserving a GPU adds those parameters for you."));
      adw_status_page_set_icon_name (self->groups_status, "dialog-warning-symbolic");
      adw_status_page_set_title (self->groups_status, _("The IOMMU Is Off"));
      adw_status_page_set_description (self->groups_status, description);
      gtk_stack_set_visible_child_name (self->groups_stack, "empty");
      return;
    }

  for (guint i = 0; i < host->groups->len; i++)
    {
      const PpIommuGroup *group = g_ptr_array_index (host->groups, i);

      gtk_flow_box_append (self->group_flow_box, pp_group_card_new (group->id, group->devices));
    }
  if (host->ungrouped->len > 0)
    gtk_flow_box_append (self->group_flow_box, pp_group_card_new (PP_NO_IOMMU_GROUP, host->ungrouped));

  gtk_stack_set_visible_child_name (self->groups_stack, "cards");
  pp_window_update_search_results (self);
}

static gboolean
pp_window_quit_after_paint (GdkFrameClock *frame_clock,
                            PpWindow      *self)
{
  g_signal_handlers_disconnect_by_func (frame_clock, pp_window_quit_after_paint, self);
  g_application_quit (g_application_get_default ());
  return FALSE;
}

static gboolean
pp_window_first_frame_tick (GtkWidget     *widget,
                            GdkFrameClock *frame_clock,
                            gpointer       user_data)
{
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (pp_window_quit_after_paint), widget);
  return G_SOURCE_REMOVE;
}

static void
pp_window_set_subtitle (PpWindow *self)
{
  g_autofree char *window_title = NULL;
  const char *subtitle;

  if (g_strcmp0 (self->root, "/") == 0)
    subtitle = _("This Computer");
  else
    subtitle = self->root;
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  window_title = g_strdup_printf ("%s — %s", _("PassthroughPrep"), subtitle);
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

static void
pp_window_set_loading (PpWindow *self,
                       gboolean  loading)
{
  self->loading = loading;
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", !loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-report", !loading && self->snapshot != NULL);
}

static void
pp_window_remember_selected_gpu (PpWindow *self)
{
  GList *selected = gtk_flow_box_get_selected_children (self->gpu_flow_box);

  if (selected != NULL)
    {
      g_free (self->selected_gpu);
      self->selected_gpu = g_strdup (pp_gpu_card_get_address (PP_GPU_CARD (gtk_flow_box_child_get_child (selected->data))));
    }
  g_list_free (selected);
}

/* The PCIe tree of the snapshot, made and filled only when the IOMMU Groups
 * page shows: start-up does not pay for it */
static void
pp_window_fill_topology (PpWindow *self)
{
  if (self->snapshot == NULL || self->topology_filled
      || g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "groups") != 0)
    return;
  if (self->topology == NULL)
    {
      self->topology = PP_TOPOLOGY_VIEW (pp_topology_view_new ());
      gtk_widget_set_vexpand (GTK_WIDGET (self->topology), TRUE);
      gtk_box_append (self->topology_pane, GTK_WIDGET (self->topology));
    }
  pp_topology_view_set_host (self->topology, self->snapshot->host, self->snapshot->advice);
  self->topology_filled = TRUE;
  pp_window_highlight_groups (self);
}

static void
pp_window_show_cards (PpWindow *self)
{
  pp_window_show_groups (self);
  pp_window_show_gpus (self);
  pp_window_highlight_groups (self);
  pp_window_fill_topology (self);
}

/* The GPU and group cards are laid out text by text; with the Readiness page in
 * front they are built after it has been painted, at the lowest priority, so
 * the verdict is on screen as fast as an empty window would be. */
static gboolean
pp_window_show_cards_idle (gpointer user_data)
{
  PpWindow *self = user_data;

  self->cards_idle_id = 0;
  pp_window_show_cards (self);
  return G_SOURCE_REMOVE;
}

static void
pp_window_read_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PpWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PpSnapshot *snapshot = g_task_propagate_pointer (G_TASK (result), &error);
  gboolean first = !self->shown_once;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  pp_window_remember_selected_gpu (self);
  /* the old cards show the old snapshot: they go now, even when the new ones
   * are only built later */
  g_clear_handle_id (&self->cards_idle_id, g_source_remove);
  pp_flow_box_remove_all (self->gpu_flow_box);
  pp_flow_box_remove_all (self->group_flow_box);
  self->topology_filled = FALSE;
  g_clear_pointer (&self->snapshot, pp_snapshot_free);
  self->snapshot = snapshot;
  pp_window_set_loading (self, FALSE);

  if (snapshot == NULL)
    {
      adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
    }
  else
    {
      pp_window_show_readiness (self);
      if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "readiness") == 0)
        self->cards_idle_id = g_idle_add_full (G_PRIORITY_LOW, pp_window_show_cards_idle,
                                               self, NULL);
      else
        pp_window_show_cards (self);
      gtk_stack_set_visible_child_name (self->main_stack, "host");
      if (!first)
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Read the host again")));
    }

  if (first)
    {
      self->shown_once = TRUE;
      if (g_strcmp0 (g_getenv ("PP_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
        gtk_widget_add_tick_callback (GTK_WIDGET (self), pp_window_first_frame_tick, NULL, NULL);
    }
}

static void
pp_window_read_host (PpWindow *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->loading)
    return;
  if (self->snapshot == NULL)
    gtk_stack_set_visible_child_name (self->main_stack, "loading");
  pp_window_set_loading (self, TRUE);

  task = g_task_new (self, self->cancellable, pp_window_read_done, g_object_ref (self));
  g_task_set_source_tag (task, pp_window_read_host);
  g_task_set_task_data (task, g_strdup (self->root), g_free);
  g_task_run_in_thread (task, pp_snapshot_read_in_thread);
}

/* The tree button: beside the cards where there is room, the tree shows or
 * hides; where there is not, it shows the tree or the cards */
static void
pp_window_update_tree_pane (PpWindow *self)
{
  gboolean active;

  if (self->groups_leaflet == NULL || self->tree_button == NULL || self->topology_pane == NULL)
    return;
  active = gtk_toggle_button_get_active (self->tree_button);
  if (adw_leaflet_get_folded (self->groups_leaflet))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->topology_pane), TRUE);
      adw_leaflet_set_visible_child_name (self->groups_leaflet, active ? "tree" : "cards");
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->topology_pane), active);
}

static void
pp_window_leaflet_folded (PpWindow *self)
{
  /* folding shows the cards, the button brings the tree; unfolding both */
  gtk_toggle_button_set_active (self->tree_button, !adw_leaflet_get_folded (self->groups_leaflet));
  pp_window_update_tree_pane (self);
}

/* The views exist only once the host is read: no switcher on the loading and error pages */
static void
pp_window_update_switchers (PpWindow *self)
{
  gboolean host_shown;

  if (self->main_stack == NULL || self->switcher_title == NULL || self->switcher_bar == NULL)
    return;
  host_shown = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "host") == 0;
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, host_shown);
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    host_shown && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static void
pp_window_gpu_selection_changed (PpWindow *self)
{
  pp_window_highlight_groups (self);
}

static void
pp_window_search_changed (PpWindow *self)
{
  pp_window_update_search_results (self);
}

static void
pp_window_stop_search (PpWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
pp_window_refresh_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  pp_window_read_host (PP_WINDOW (widget));
}

static void
pp_window_search_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  if (self->snapshot == NULL || !pp_host_iommu_enabled (self->snapshot->host))
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "groups");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
pp_window_view_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, name);
}

static void
pp_window_copy_report_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  g_autofree char *report = NULL;

  if (self->snapshot == NULL)
    return;
  report = pp_format_report_markdown (self->snapshot->host, self->snapshot->advice, self->snapshot->checks);
  /* a host's names may be in any encoding; the clipboard takes UTF-8 */
  if (!g_utf8_validate (report, -1, NULL))
    {
      char *valid = g_utf8_make_valid (report, -1);

      g_free (report);
      report = valid;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), report);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Report copied: paste it where you ask for help")));
}

static void
pp_window_reserve_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  const char *address = g_variant_get_string (parameter, NULL);
  PpFlowWindow *flow;

  if (!pp_pci_address_is_valid (address))
    return;
  flow = pp_flow_window_new_reserve (GTK_WINDOW (self), self->root, address);
  g_signal_connect_object (flow, "host-changed", G_CALLBACK (pp_window_read_host), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (flow));
}

static void
pp_window_use_in_vm_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  const char *address = g_variant_get_string (parameter, NULL);

  if (!pp_pci_address_is_valid (address))
    return;
  gtk_window_present (GTK_WINDOW (pp_vm_window_new (GTK_WINDOW (self), self->root, address, self->why_not)));
}

static void
pp_window_revert_response (AdwMessageDialog *dialog,
                           const char       *response,
                           PpWindow         *self)
{
  PpFlowWindow *flow;

  if (g_strcmp0 (response, "revert") != 0)
    return;
  flow = pp_flow_window_new_revert (GTK_WINDOW (self), self->root);
  g_signal_connect_object (flow, "host-changed", G_CALLBACK (pp_window_read_host), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (flow));
}

static void
pp_window_revert_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Revert the Changes?"),
                                   _("Every file PassthroughPrep changed is put back from its backup, byte "
                                     "for byte, and the initramfs and boot configuration are rebuilt. "
                                     "After a restart the GPU is used by its own driver again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revert", _("_Revert"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revert", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (pp_window_revert_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The copies GtkShortcutsWindow makes for its search page are widgets too, so
 * the whole tree is walked rather than the builder's objects */
static void
pp_window_give_shortcuts_keys (GtkWidget      *widget,
                               GtkApplication *app)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          g_autofree char *shortcut_action = NULL;
          g_auto(GStrv) accels = NULL;

          g_object_get (child, "action-name", &shortcut_action, NULL);
          if (shortcut_action != NULL)
            accels = gtk_application_get_accels_for_action (app, shortcut_action);
          if (accels != NULL && accels[0] != NULL)
            {
              g_autofree char *accelerator = g_strjoinv (" ", accels);

              g_object_set (child, "accelerator", accelerator, NULL);
            }
        }
      pp_window_give_shortcuts_keys (child, app);
    }
}

/* Built when asked for and destroyed when closed, never kept hidden as
 * GtkApplication's automatic help overlay is: GTK 4.8 answers an AT-SPI
 * GetChildAtIndex past the last shown window with the last toplevel in its
 * list, and a hidden window has no object path, so a screen reader walking the
 * windows while one closed crashed the app. Without being the help overlay the
 * shortcuts do not look up their keys, so they are given them here. */
static void
pp_window_shortcuts_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (widget));
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/ultmos/PassthroughPrep/pp-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  if (app != NULL)
    pp_window_give_shortcuts_keys (GTK_WIDGET (shortcuts), app);
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_present (shortcuts);
}

PpWindow *
pp_window_new (PpApplication *application,
               const char    *root)
{
  PpWindow *self = g_object_new (PP_TYPE_WINDOW,
                                 "application", application,
                                 NULL);

  self->root = g_strdup (root != NULL ? root : "/");
  self->why_not = pp_helper_run_why_not (self->root, PP_POLKIT_ACTIONS_DIR);
  gtk_label_set_label (self->banner, self->why_not);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), self->why_not != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.revert", self->why_not == NULL);
  pp_window_set_subtitle (self);
  pp_window_read_host (self);
  return self;
}

static void
pp_window_dispose (GObject *object)
{
  PpWindow *self = PP_WINDOW (object);

  g_clear_handle_id (&self->cards_idle_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (pp_window_parent_class)->dispose (object);
}

static void
pp_window_finalize (GObject *object)
{
  PpWindow *self = PP_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->snapshot, pp_snapshot_free);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->why_not, g_free);
  g_clear_pointer (&self->selected_gpu, g_free);
  g_clear_pointer (&self->check_rows, g_ptr_array_unref);
  g_clear_pointer (&self->warning_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_window_parent_class)->finalize (object);
}

static void
pp_window_class_init (PpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_window_dispose;
  object_class->finalize = pp_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ultmos/PassthroughPrep/pp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, verdict_description);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, host_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, checks_group);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, gpus_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, gpu_flow_box);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, gpus_status);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, groups_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, groups_leaflet);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, topology_pane);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, tree_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, groups_results_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, group_flow_box);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, groups_status);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, no_results_status);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_update_switchers);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_update_tree_pane);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_leaflet_folded);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_gpu_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, pp_window_stop_search);

  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, pp_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, pp_window_search_action);
  gtk_widget_class_install_action (widget_class, "win.view", "s", pp_window_view_action);
  gtk_widget_class_install_action (widget_class, "win.copy-report", NULL, pp_window_copy_report_action);
  gtk_widget_class_install_action (widget_class, "win.reserve", "s", pp_window_reserve_action);
  gtk_widget_class_install_action (widget_class, "win.revert", NULL, pp_window_revert_action);
  gtk_widget_class_install_action (widget_class, "win.use-in-vm", "s", pp_window_use_in_vm_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, pp_window_shortcuts_action);
}

static void
pp_window_init (PpWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->check_rows = g_ptr_array_new ();
  self->warning_rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  pp_window_update_switchers (self);

  gtk_flow_box_set_sort_func (self->group_flow_box, pp_group_card_sort, NULL, NULL);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (pp_window_fill_topology), self, G_CONNECT_SWAPPED);
}
