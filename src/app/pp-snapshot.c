/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-snapshot"

#include "config.h"

#include "pp-readiness.h"
#include "pp-snapshot.h"

/* The first reading of the host starts in a thread of its own before GTK and
 * the window are set up, and the window's first pp_snapshot_read() of that
 * root takes its result: on a large host the reading would otherwise start
 * only once the window exists, and finish after the window's first frame. */
static struct
{
  GMutex      lock;
  GCond       done_cond;
  char       *root;
  gboolean    done;
  gboolean    taken;
  PpSnapshot *snapshot;
  GError     *error;
} ahead;

void
pp_snapshot_free (PpSnapshot *snapshot)
{
  g_clear_pointer (&snapshot->checks, g_ptr_array_unref);
  g_clear_pointer (&snapshot->advice, pp_advice_free);
  g_clear_pointer (&snapshot->setup, pp_boot_setup_free);
  g_clear_pointer (&snapshot->host, pp_host_free);
  g_free (snapshot);
}

static PpSnapshot *
pp_snapshot_read_now (const char  *root,
                      GError     **error)
{
  g_autoptr(PpSnapshot) snapshot = g_new0 (PpSnapshot, 1);

  snapshot->host = pp_host_read (root, error);
  if (snapshot->host == NULL)
    return NULL;
  snapshot->setup = pp_boot_setup_detect (snapshot->host);
  snapshot->advice = pp_advice_new (snapshot->host);
  snapshot->checks = pp_readiness_checks (snapshot->host, snapshot->setup, snapshot->advice);
  return g_steal_pointer (&snapshot);
}

static gpointer
pp_snapshot_read_ahead_thread (gpointer data)
{
  GError *error = NULL;
  PpSnapshot *snapshot = pp_snapshot_read_now (ahead.root, &error);

  g_mutex_lock (&ahead.lock);
  ahead.snapshot = snapshot;
  ahead.error = error;
  ahead.done = TRUE;
  g_cond_broadcast (&ahead.done_cond);
  g_mutex_unlock (&ahead.lock);
  return NULL;
}

/* Once per process; a later call, or one after the result was taken, does nothing */
void
pp_snapshot_read_ahead (const char *root)
{
  g_return_if_fail (root != NULL);

  g_mutex_lock (&ahead.lock);
  if (ahead.root == NULL)
    {
      ahead.root = g_strdup (root);
      g_thread_unref (g_thread_new ("pp-read-ahead", pp_snapshot_read_ahead_thread, NULL));
    }
  g_mutex_unlock (&ahead.lock);
}

/* Blocks until the host is read: call it off the main loop */
PpSnapshot *
pp_snapshot_read (const char  *root,
                  GError     **error)
{
  g_return_val_if_fail (root != NULL, NULL);

  g_mutex_lock (&ahead.lock);
  if (ahead.root != NULL && !ahead.taken && g_str_equal (ahead.root, root))
    {
      PpSnapshot *snapshot;

      while (!ahead.done)
        g_cond_wait (&ahead.done_cond, &ahead.lock);
      ahead.taken = TRUE;
      snapshot = g_steal_pointer (&ahead.snapshot);
      if (snapshot == NULL)
        g_propagate_error (error, g_steal_pointer (&ahead.error));
      g_mutex_unlock (&ahead.lock);
      return snapshot;
    }
  g_mutex_unlock (&ahead.lock);
  return pp_snapshot_read_now (root, error);
}
