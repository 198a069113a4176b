/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-vm-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-advice.h"
#include "pp-format.h"
#include "pp-helper-run.h"
#include "pp-host.h"
#include "pp-vm.h"
#include "pp-vm-window.h"

/* What one reading of the host gives for the VM texts, made off the main loop */
typedef struct
{
  PpHost      *host;
  PpAdvice    *advice;
  PpVmDevices *vm;       /* borrows from host */
} PpVmSnapshot;

typedef struct
{
  GtkTextBuffer       *buffer;
  AdwPreferencesGroup *group;
} PpVmConfigView;

struct _PpVmWindow
{
  AdwWindow            parent_instance;

  char                *root;
  char                *address;
  char                *why_not;
  GCancellable        *cancellable;
  PpVmSnapshot        *snapshot;
  PpHelperRun         *run;
  char                *failure;        /* the helper's "failed" text */
  PpVmConfigView       views[PP_VM_FORMAT_COUNT];
  GtkLabel            *rom_result;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *error_page;
  GtkBox              *configs_box;
  GtkLabel            *intro_label;
  AdwActionRow        *rom_row;
  GtkSpinner          *rom_spinner;
  GtkButton           *rom_button;
};

G_DEFINE_FINAL_TYPE (PpVmWindow, pp_vm_window, ADW_TYPE_WINDOW)

static void
pp_vm_snapshot_free (PpVmSnapshot *snapshot)
{
  g_clear_pointer (&snapshot->vm, pp_vm_devices_free);
  g_clear_pointer (&snapshot->advice, pp_advice_free);
  g_clear_pointer (&snapshot->host, pp_host_free);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpVmSnapshot, pp_vm_snapshot_free)

static void
pp_vm_snapshot_read_in_thread (GTask        *task,
                               gpointer      source_object,
                               gpointer      task_data,
                               GCancellable *cancellable)
{
  PpVmWindow *self = source_object;
  g_autoptr(PpVmSnapshot) snapshot = g_new0 (PpVmSnapshot, 1);
  GError *error = NULL;

  snapshot->host = pp_host_read (self->root, &error);
  if (snapshot->host != NULL)
    {
      snapshot->advice = pp_advice_new (snapshot->host);
      snapshot->vm = pp_vm_devices_new (snapshot->host, snapshot->advice, self->address, &error);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&snapshot), (GDestroyNotify) pp_vm_snapshot_free);
}

static const char *
pp_vm_format_title (PpVmFormat format)
{
  switch (format)
    {
    case PP_VM_FORMAT_ULTMOS:  return _("ULTMOS");
    case PP_VM_FORMAT_LIBVIRT: return _("libvirt and virt-manager");
    case PP_VM_FORMAT_QEMU:
    default:                   return _("QEMU");
    }
}

/* what the text is, for a screen reader and the toast */
static const char *
pp_vm_format_text_name (PpVmFormat format)
{
  switch (format)
    {
    case PP_VM_FORMAT_ULTMOS:  return _("ULTMOS lines");
    case PP_VM_FORMAT_LIBVIRT: return _("libvirt XML");
    case PP_VM_FORMAT_QEMU:
    default:                   return _("QEMU arguments");
    }
}

static void
pp_vm_window_copy_clicked (GtkButton  *button,
                           PpVmWindow *self)
{
  PpVmFormat format = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pp-vm-format"));
  GtkTextBuffer *buffer = self->views[format].buffer;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  /* TRANSLATORS: %s is what was copied, e.g. "libvirt XML" */
  message = g_strdup_printf (_("%s copied"), pp_vm_format_text_name (format));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static GtkWidget *
pp_vm_copy_button_new (PpVmWindow *self,
                       PpVmFormat  format)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();
  g_autofree char *description = g_strdup_printf (_("Copy the %s to the clipboard"), pp_vm_format_text_name (format));

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "edit-copy-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("Copy"));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  g_object_set_data (G_OBJECT (button), "pp-vm-format", GUINT_TO_POINTER (format));
  g_signal_connect (button, "clicked", G_CALLBACK (pp_vm_window_copy_clicked), self);
  return button;
}

static void
pp_vm_window_add_config_views (PpVmWindow *self)
{
  for (PpVmFormat format = 0; format < PP_VM_FORMAT_COUNT; format++)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *view = gtk_text_view_new ();
      GtkWidget *frame = gtk_frame_new (NULL);

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), pp_vm_format_title (format));
      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), pp_vm_copy_button_new (self, format));

      gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
      gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
      gtk_widget_add_css_class (view, "vm-config-text");
      gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, pp_vm_format_text_name (format),
                                      -1);
      gtk_frame_set_child (GTK_FRAME (frame), view);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), frame);
      gtk_box_append (self->configs_box, group);

      self->views[format].buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
      self->views[format].group = ADW_PREFERENCES_GROUP (group);
    }
}

static void
pp_vm_window_show (PpVmWindow *self)
{
  const PpVmDevices *vm = self->snapshot->vm;
  g_autofree char *intro = NULL;

  adw_window_title_set_subtitle (self->window_title, vm->gpu->device_name);
  intro = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%s is on vfio-pci and ready for a VM. Copy the text for the VM you use.",
                                        "%s and its other functions are on vfio-pci and ready for a VM. Copy the "
                                        "text for the VM you use.",
                                        vm->functions->len),
                           vm->gpu->address);
  gtk_label_set_label (self->intro_label, intro);

  if (vm->rom_path != NULL)
    adw_action_row_set_subtitle (self->rom_row, vm->rom_path);
  else if (self->why_not != NULL)
    adw_action_row_set_subtitle (self->rom_row, self->why_not);
  else
    adw_action_row_set_subtitle (self->rom_row, _("None saved yet"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->rom_button), self->why_not == NULL && self->run == NULL);

  for (PpVmFormat format = 0; format < PP_VM_FORMAT_COUNT; format++)
    {
      g_autofree char *text = pp_format_vm (vm, format);
      g_autofree char *note = pp_format_vm_note (vm, format);
      /* a group's description is markup, and the libvirt note names <devices> */
      g_autofree char *note_markup = g_markup_escape_text (note, -1);
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      /* the buffer holds just what is pasted: no trailing newline to trip a paste */
      g_strchomp (valid);
      gtk_text_buffer_set_text (self->views[format].buffer, valid, -1);
      adw_preferences_group_set_description (self->views[format].group, note_markup);
    }
  gtk_stack_set_visible_child_name (self->stack, "configs");
}

static void
pp_vm_window_read_done (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(PpVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PpVmSnapshot *snapshot = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (self->loading_spinner);
  if (snapshot == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  g_clear_pointer (&self->snapshot, pp_vm_snapshot_free);
  self->snapshot = snapshot;
  pp_vm_window_show (self);
}

static void
pp_vm_window_read_host (PpVmWindow *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, pp_vm_window_read_done, g_object_ref (self));

  g_task_set_source_tag (task, pp_vm_window_read_host);
  g_task_run_in_thread (task, pp_vm_snapshot_read_in_thread);
}

static void
pp_vm_window_show_rom_result (PpVmWindow *self,
                              const char *text,
                              gboolean    failed)
{
  gtk_label_set_label (self->rom_result, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->rom_result), failed ? "success" : "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->rom_result), failed ? "error" : "success");
  gtk_widget_set_visible (GTK_WIDGET (self->rom_result), TRUE);
}

static void
pp_vm_window_helper_event (PpVmWindow          *self,
                           const PpHelperEvent *event)
{
  if (event->kind == PP_HELPER_EVENT_FAILED)
    {
      g_free (self->failure);
      self->failure = g_strdup (event->text);
    }
}

static char *
pp_vm_window_rom_failure (PpVmWindow *self,
                          int         status)
{
  gboolean through_pkexec = pp_helper_run_is_pkexec (self->run);

  if (through_pkexec && status == 126)
    return g_strdup (_("The authorization was dismissed: nothing was saved."));
  if (through_pkexec && status == 127)
    return g_strdup (_("Not authorized: nothing was saved."));
  if (self->failure != NULL)
    /* TRANSLATORS: %s is the helper's reason, e.g. "the ROM of 0000:01:00.0 is not valid: ..." */
    return g_strdup_printf (_("Nothing was saved: %s."), self->failure);
  return g_strdup_printf (_("The helper stopped with status %d: nothing was saved."), status);
}

static void
pp_vm_window_helper_exited (PpVmWindow *self,
                            int         status)
{
  gtk_spinner_stop (self->rom_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rom_button), TRUE);
  if (status == PP_HELPER_EXIT_OK)
    {
      pp_vm_window_show_rom_result (self, _("The card’s ROM is saved, and the texts below name it."), FALSE);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("The card’s ROM is saved")));
      pp_vm_window_read_host (self);
    }
  else
    {
      g_autofree char *reason = pp_vm_window_rom_failure (self, status);

      pp_vm_window_show_rom_result (self, reason, TRUE);
    }
  g_clear_object (&self->run);
}

static void
pp_vm_window_save_rom_clicked (PpVmWindow *self)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;

  if (self->run != NULL || self->why_not != NULL)
    return;
  args = pp_helper_args_save_rom (self->address);
  self->run = pp_helper_run_new (self->root, (const char * const *) args);
  g_clear_pointer (&self->failure, g_free);
  g_signal_connect_object (self->run, "event", G_CALLBACK (pp_vm_window_helper_event), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "exited", G_CALLBACK (pp_vm_window_helper_exited), self, G_CONNECT_SWAPPED);
  if (!pp_helper_run_start (self->run, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot run %s: %s"), pp_helper_run_get_program (self->run),
                                                  error->message);

      pp_vm_window_show_rom_result (self, message, TRUE);
      g_clear_object (&self->run);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rom_result), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rom_button), FALSE);
  gtk_spinner_start (self->rom_spinner);
}

PpVmWindow *
pp_vm_window_new (GtkWindow  *parent,
                  const char *root,
                  const char *address,
                  const char *why_not)
{
  PpVmWindow *self = g_object_new (PP_TYPE_VM_WINDOW,
                                   "transient-for", parent,
                                   NULL);

  self->root = g_strdup (root);
  self->address = g_strdup (address);
  self->why_not = g_strdup (why_not);
  gtk_spinner_start (self->loading_spinner);
  pp_vm_window_read_host (self);
  return self;
}

static void
pp_vm_window_dispose (GObject *object)
{
  PpVmWindow *self = PP_VM_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (pp_vm_window_parent_class)->dispose (object);
}

static void
pp_vm_window_finalize (GObject *object)
{
  PpVmWindow *self = PP_VM_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->run);
  g_clear_pointer (&self->snapshot, pp_vm_snapshot_free);
  g_clear_pointer (&self->root, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->why_not, g_free);
  g_clear_pointer (&self->failure, g_free);

  G_OBJECT_CLASS (pp_vm_window_parent_class)->finalize (object);
}

static void
pp_vm_window_class_init (PpVmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_vm_window_dispose;
  object_class->finalize = pp_vm_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ultmos/PassthroughPrep/pp-vm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, configs_box);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, rom_row);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, rom_spinner);
  gtk_widget_class_bind_template_child (widget_class, PpVmWindow, rom_button);
  gtk_widget_class_bind_template_callback (widget_class, pp_vm_window_save_rom_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pp_vm_window_init (PpVmWindow *self)
{
  GtkWidget *rom_group;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* the outcome of saving the ROM, under its row */
  rom_group = gtk_widget_get_ancestor (GTK_WIDGET (self->rom_row), ADW_TYPE_PREFERENCES_GROUP);
  self->rom_result = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->rom_result, TRUE);
  gtk_label_set_wrap_mode (self->rom_result, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->rom_result, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->rom_result), 6);
  gtk_widget_set_visible (GTK_WIDGET (self->rom_result), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (rom_group), GTK_WIDGET (self->rom_result));
  pp_vm_window_add_config_views (self);
}
