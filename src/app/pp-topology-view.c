/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-topology"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-topology-view.h"
#include "pp-widget-util.h"

/* ------------------------------------------------------------------ a node */

#define PP_TYPE_TOPOLOGY_NODE (pp_topology_node_get_type ())

G_DECLARE_FINAL_TYPE (PpTopologyNode, pp_topology_node, PP, TOPOLOGY_NODE, GObject)

struct _PpTopologyNode
{
  GObject     parent_instance;

  char       *title;      /* the device's name, or "PCI root complex" */
  char       *detail;     /* "0000:01:00.0 · VGA compatible controller" */
  char       *why;        /* a port behind which a group is shared: why, else NULL */
  char       *note;       /* and in short */
  int         group;      /* PP_NO_IOMMU_GROUP: none */
  gboolean    device;     /* a PCI function, not a root complex */
  gboolean    gpu;
  gboolean    on_path;
  GListStore *children;   /* PpTopologyNode* */
};

G_DEFINE_FINAL_TYPE (PpTopologyNode, pp_topology_node, G_TYPE_OBJECT)

enum
{
  NODE_PROP_0,
  NODE_PROP_ON_PATH,
  NODE_N_PROPS
};

static GParamSpec *node_properties[NODE_N_PROPS];

static void
pp_topology_node_set_on_path (PpTopologyNode *self,
                              gboolean        on_path)
{
  if (self->on_path == on_path)
    return;
  self->on_path = on_path;
  g_object_notify_by_pspec (G_OBJECT (self), node_properties[NODE_PROP_ON_PATH]);
}

static void
pp_topology_node_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PpTopologyNode *self = PP_TOPOLOGY_NODE (object);

  switch (prop_id)
    {
    case NODE_PROP_ON_PATH:
      g_value_set_boolean (value, self->on_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_topology_node_finalize (GObject *object)
{
  PpTopologyNode *self = PP_TOPOLOGY_NODE (object);

  g_free (self->title);
  g_free (self->detail);
  g_free (self->why);
  g_free (self->note);
  g_clear_object (&self->children);

  G_OBJECT_CLASS (pp_topology_node_parent_class)->finalize (object);
}

static void
pp_topology_node_class_init (PpTopologyNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_topology_node_get_property;
  object_class->finalize = pp_topology_node_finalize;
  node_properties[NODE_PROP_ON_PATH] =
    g_param_spec_boolean ("on-path", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, NODE_N_PROPS, node_properties);
}

static void
pp_topology_node_init (PpTopologyNode *self)
{
  self->group = PP_NO_IOMMU_GROUP;
  self->children = g_list_store_new (PP_TYPE_TOPOLOGY_NODE);
}

static PpTopologyNode *
pp_topology_node_new_device (const PpPciDevice *device)
{
  PpTopologyNode *self = g_object_new (PP_TYPE_TOPOLOGY_NODE, NULL);

  self->title = g_strdup (device->device_name);
  if (device->slot_name != NULL)
    /* TRANSLATORS: address · class · the physical slot's name */
    self->detail = g_strdup_printf (_("%s · %s · slot %s"), device->address, device->class_name, device->slot_name);
  else
    self->detail = g_strdup_printf ("%s · %s", device->address, device->class_name);
  self->group = device->iommu_group;
  self->device = TRUE;
  self->gpu = pp_pci_device_is_gpu (device);
  return self;
}

/* The text a screen reader reads for a row: everything it shows */
static char *
pp_topology_node_describe (PpTopologyNode *self)
{
  GString *text = g_string_new (self->title);

  g_string_append_printf (text, ", %s", self->detail);
  if (self->group != PP_NO_IOMMU_GROUP)
    g_string_append_printf (text, _(", IOMMU group %d"), self->group);
  else if (self->device)
    g_string_append (text, _(", in no IOMMU group"));
  if (self->on_path)
    g_string_append (text, _(", on the selected GPU’s path"));
  if (self->why != NULL)
    g_string_append_printf (text, ". %s", self->why);
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------------ the view */

struct _PpTopologyView
{
  GtkWidget           parent_instance;

  GtkWidget          *heading;
  GtkWidget          *scroller;
  GListStore         *roots;    /* PpTopologyNode*: one a root complex */
  GtkTreeListModel   *model;
  GtkListView        *list_view;
  GHashTable         *paths;    /* GPU address -> GPtrArray of PpTopologyNode* on its path */
  GPtrArray          *lit;      /* PpTopologyNode* highlighted now */
};

G_DEFINE_FINAL_TYPE (PpTopologyView, pp_topology_view, GTK_TYPE_WIDGET)

static GListModel *
pp_topology_view_children (gpointer item,
                           gpointer user_data)
{
  PpTopologyNode *node = item;

  if (g_list_model_get_n_items (G_LIST_MODEL (node->children)) == 0)
    return NULL;
  return G_LIST_MODEL (g_object_ref (node->children));
}

static void
pp_topology_row_update (GtkWidget      *expander,
                        PpTopologyNode *node)
{
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  g_autofree char *description = pp_topology_node_describe (node);

  if (node->on_path)
    gtk_widget_add_css_class (box, "on-path");
  else
    gtk_widget_remove_css_class (box, "on-path");
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
pp_topology_row_on_path_changed (PpTopologyNode *node,
                                 GParamSpec     *pspec,
                                 GtkWidget      *expander)
{
  pp_topology_row_update (expander, node);
}

static void
pp_topology_setup_row (GtkSignalListItemFactory *factory,
                       GtkListItem              *item,
                       gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkWidget *note = gtk_label_new (NULL);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_set_valign (badge, GTK_ALIGN_START);
  gtk_widget_add_css_class (badge, "group-badge");
  gtk_widget_add_css_class (badge, "numeric");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 34);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 34);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (note), 0);
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (note), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (note), 34);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "warning");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), detail);
  gtk_box_append (GTK_BOX (text), note);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_widget_add_css_class (box, "topology-row");
  g_object_set_data (G_OBJECT (box), "badge", badge);
  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "detail", detail);
  g_object_set_data (G_OBJECT (box), "note", note);
  g_object_set_data (G_OBJECT (box), "icon", icon);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
pp_topology_bind_row (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  PpTopologyNode *node = gtk_tree_list_row_get_item (row);
  GtkLabel *badge = g_object_get_data (G_OBJECT (box), "badge");
  GtkLabel *title = g_object_get_data (G_OBJECT (box), "title");
  GtkLabel *detail = g_object_get_data (G_OBJECT (box), "detail");
  GtkLabel *note = g_object_get_data (G_OBJECT (box), "note");
  GtkWidget *icon = g_object_get_data (G_OBJECT (box), "icon");

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  pp_group_badge_update (GTK_WIDGET (badge), node->group);
  gtk_widget_set_visible (GTK_WIDGET (badge), node->device);
  gtk_label_set_label (title, node->title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (title), node->title);
  if (node->gpu)
    gtk_widget_add_css_class (GTK_WIDGET (title), "heading");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (title), "heading");
  gtk_label_set_label (detail, node->detail);
  gtk_label_set_label (note, node->note);
  gtk_widget_set_visible (GTK_WIDGET (note), node->note != NULL);
  gtk_widget_set_visible (icon, node->why != NULL);
  gtk_widget_set_tooltip_text (icon, node->why);
  gtk_widget_set_tooltip_text (GTK_WIDGET (note), node->why);
  pp_topology_row_update (expander, node);
  g_signal_connect_object (node, "notify::on-path", G_CALLBACK (pp_topology_row_on_path_changed), expander, 0);
  g_object_unref (node);
}

static void
pp_topology_unbind_row (GtkSignalListItemFactory *factory,
                        GtkListItem              *item,
                        gpointer                  user_data)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  g_autoptr(PpTopologyNode) node = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (node != NULL)
    g_signal_handlers_disconnect_by_func (node, pp_topology_row_on_path_changed, expander);
}

GtkWidget *
pp_topology_view_new (void)
{
  return g_object_new (PP_TYPE_TOPOLOGY_VIEW, NULL);
}

/* The node of a root complex (domain and bus of a root bus), made when first
 * met; @order keeps them in that order */
static PpTopologyNode *
pp_topology_view_root (GHashTable        *roots,
                       GPtrArray         *order,
                       const PpPciDevice *device)
{
  g_autofree char *key = g_strdup_printf ("%04x:%02x", device->domain, device->bus);
  PpTopologyNode *root = g_hash_table_lookup (roots, key);

  if (root == NULL)
    {
      root = g_object_new (PP_TYPE_TOPOLOGY_NODE, NULL);
      root->title = g_strdup (_("PCI root complex"));
      root->detail = g_strdup_printf ("pci%s", key);
      g_hash_table_insert (roots, g_steal_pointer (&key), root);
      g_ptr_array_add (order, root);
    }
  return root;
}

/* The root bus above @device: "0000:00" */
static char *
pp_root_key (const PpHost      *host,
             const PpPciDevice *device)
{
  const PpPciDevice *up;

  for (guint depth = 0; (up = pp_host_find_parent (host, device)) != NULL && depth < 64; depth++)
    device = up;
  return g_strdup_printf ("%04x:%02x", device->domain, device->bus);
}

/* The port behind which a non-viable GPU's group is shared (the root
 * complex where its root ports are), marked with why */
static void
pp_topology_view_mark_shared (const PpHost      *host,
                              GHashTable        *nodes,
                              GHashTable        *roots,
                              const PpGpuAdvice *gpu)
{
  PpTopologyNode *node;

  if (gpu->why_not_viable == NULL || gpu->blockers->len == 0)
    return;
  if (gpu->shared_behind != NULL)
    node = g_hash_table_lookup (nodes, gpu->shared_behind->address);
  else
    {
      g_autofree char *key = pp_root_key (host, gpu->gpu);

      node = g_hash_table_lookup (roots, key);
    }
  if (node == NULL || node->why != NULL)
    return;
  node->why = g_strdup (gpu->why_not_viable);
  node->note = gpu->shared_behind != NULL
               ? g_strdup_printf (_("Does not isolate: everything behind it shares IOMMU group %d"),
                                  gpu->gpu->iommu_group)
               : g_strdup_printf (_("Its root ports do not isolate: IOMMU group %d is shared"),
                                  gpu->gpu->iommu_group);
}

void
pp_topology_view_set_host (PpTopologyView *self,
                           const PpHost   *host,
                           const PpAdvice *advice)
{
  g_autoptr(GHashTable) nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_autoptr(GHashTable) roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (PP_IS_TOPOLOGY_VIEW (self));

  g_hash_table_remove_all (self->paths);
  g_ptr_array_set_size (self->lit, 0);
  g_list_store_remove_all (self->roots);

  for (guint i = 0; i < host->devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (host->devices, i);

      g_hash_table_insert (nodes, g_strdup (device->address), pp_topology_node_new_device (device));
    }
  /* devices are in address order, so each level lists them so */
  for (guint i = 0; i < host->devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (host->devices, i);
      PpTopologyNode *node = g_hash_table_lookup (nodes, device->address);
      PpTopologyNode *parent = device->parent != NULL ? g_hash_table_lookup (nodes, device->parent) : NULL;

      if (parent == NULL)
        parent = pp_topology_view_root (roots, order, device);
      g_list_store_append (parent->children, node);
    }

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      const PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      GPtrArray *path = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *key = pp_root_key (host, gpu->gpu);
      const PpPciDevice *up = gpu->gpu;

      pp_topology_view_mark_shared (host, nodes, roots, gpu);
      for (guint r = 0; r < gpu->reserve->len; r++)
        {
          const PpPciDevice *function = g_ptr_array_index (gpu->reserve, r);

          g_ptr_array_add (path, g_object_ref (g_hash_table_lookup (nodes, function->address)));
        }
      for (guint depth = 0; (up = pp_host_find_parent (host, up)) != NULL && depth < 64; depth++)
        g_ptr_array_add (path, g_object_ref (g_hash_table_lookup (nodes, up->address)));
      g_ptr_array_add (path, g_object_ref (g_hash_table_lookup (roots, key)));
      g_hash_table_insert (self->paths, g_strdup (gpu->gpu->address), path);
    }

  /* the roots last: a row's children are looked up when it is added */
  for (guint i = 0; i < order->len; i++)
    g_list_store_append (self->roots, g_ptr_array_index (order, i));
}

void
pp_topology_view_set_selected_gpu (PpTopologyView *self,
                                   const char     *address)
{
  GPtrArray *path;

  g_return_if_fail (PP_IS_TOPOLOGY_VIEW (self));

  for (guint i = 0; i < self->lit->len; i++)
    pp_topology_node_set_on_path (g_ptr_array_index (self->lit, i), FALSE);
  g_ptr_array_set_size (self->lit, 0);
  path = address != NULL ? g_hash_table_lookup (self->paths, address) : NULL;
  for (guint i = 0; path != NULL && i < path->len; i++)
    {
      pp_topology_node_set_on_path (g_ptr_array_index (path, i), TRUE);
      g_ptr_array_add (self->lit, g_object_ref (g_ptr_array_index (path, i)));
    }
}

static void
pp_topology_view_dispose (GObject *object)
{
  PpTopologyView *self = PP_TOPOLOGY_VIEW (object);

  g_clear_pointer (&self->heading, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_object (&self->model);
  g_clear_object (&self->roots);
  g_clear_pointer (&self->paths, g_hash_table_unref);
  g_clear_pointer (&self->lit, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_topology_view_parent_class)->dispose (object);
}

/* Rows are laid out only as they scroll into view, so the list cannot say how
 * wide it would like to be: where there is room the tree asks for this much */
#define NATURAL_WIDTH 420

/* The heading over the tree */
static void
pp_topology_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  PpTopologyView *self = PP_TOPOLOGY_VIEW (widget);
  int heading_min, heading_nat, tree_min, tree_nat;

  gtk_widget_measure (self->heading, orientation, for_size, &heading_min, &heading_nat, NULL, NULL);
  gtk_widget_measure (self->scroller, orientation, for_size, &tree_min, &tree_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (heading_min, tree_min);
      *natural = MAX (MAX (heading_nat, tree_nat), MAX (*minimum, NATURAL_WIDTH));
    }
  else
    {
      *minimum = heading_min + tree_min;
      *natural = heading_nat + tree_nat;
    }
}

static void
pp_topology_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  PpTopologyView *self = PP_TOPOLOGY_VIEW (widget);
  int heading_height;

  gtk_widget_measure (self->heading, GTK_ORIENTATION_VERTICAL, width, &heading_height, NULL, NULL, NULL);
  gtk_widget_allocate (self->heading, width, heading_height, -1, NULL);
  gtk_widget_allocate (self->scroller, width, MAX (height - heading_height, 0), -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, heading_height)));
}

static void
pp_topology_view_class_init (PpTopologyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_topology_view_dispose;
  widget_class->measure = pp_topology_view_measure;
  widget_class->size_allocate = pp_topology_view_size_allocate;
}

static void
pp_topology_view_init (PpTopologyView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkSelectionModel *selection;

  self->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->lit = g_ptr_array_new_with_free_func (g_object_unref);
  self->roots = g_list_store_new (PP_TYPE_TOPOLOGY_NODE);
  self->model = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->roots)), FALSE, TRUE,
                                         pp_topology_view_children, NULL, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (pp_topology_setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (pp_topology_bind_row), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (pp_topology_unbind_row), NULL);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->model))));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (selection, factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "topology");
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("PCIe tree"), -1);

  self->heading = gtk_label_new (_("PCIe Tree"));
  gtk_label_set_xalign (GTK_LABEL (self->heading), 0);
  gtk_widget_add_css_class (self->heading, "heading");
  gtk_widget_add_css_class (self->heading, "topology-heading");
  gtk_widget_set_parent (self->heading, GTK_WIDGET (self));
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list_view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "topology-pane");
}
