/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-diff.h"

/* Above this many cells the changed middle is shown as one replacement */
#define MAX_TABLE_CELLS (4u * 1024 * 1024)

typedef struct
{
  const char *start;
  gsize       len;      /* with its '\n' when it has one */
} Line;

typedef enum { OP_SAME, OP_DELETE, OP_INSERT } OpKind;

typedef struct
{
  OpKind kind;
  guint  old_index;
  guint  new_index;
} Op;

static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  const char *p = text;

  while (p && *p)
    {
      const char *nl = strchr (p, '\n');
      Line line = { p, nl ? (gsize) (nl - p) + 1 : strlen (p) };

      g_array_append_val (lines, line);
      p += line.len;
    }
  return lines;
}

static gboolean
lines_equal (const Line *a,
             const Line *b)
{
  return a->len == b->len && memcmp (a->start, b->start, a->len) == 0;
}

static void
add_op (GArray *ops,
        OpKind  kind,
        guint   old_index,
        guint   new_index)
{
  Op op = { kind, old_index, new_index };

  g_array_append_val (ops, op);
}

/* The edit script, by longest common subsequence on the part between the
 * common head and tail */
static GArray *
diff_lines (GArray *a,
            GArray *b)
{
  GArray *ops = g_array_new (FALSE, FALSE, sizeof (Op));
  guint n = a->len, m = b->len;
  guint head = 0, tail = 0;
  guint rows, cols;

  while (head < n && head < m
         && lines_equal (&g_array_index (a, Line, head), &g_array_index (b, Line, head)))
    head++;
  while (tail < n - head && tail < m - head
         && lines_equal (&g_array_index (a, Line, n - 1 - tail), &g_array_index (b, Line, m - 1 - tail)))
    tail++;

  for (guint i = 0; i < head; i++)
    add_op (ops, OP_SAME, i, i);

  rows = n - head - tail;
  cols = m - head - tail;
  if (rows > 0 && cols > 0 && (guint64) (rows + 1) * (cols + 1) <= MAX_TABLE_CELLS)
    {
      g_autofree guint32 *table = g_new0 (guint32, (gsize) (rows + 1) * (cols + 1));
      guint i = 0, j = 0;

#define CELL(r, c) table[(gsize) (r) * (cols + 1) + (c)]
      for (int r = rows - 1; r >= 0; r--)
        for (int c = cols - 1; c >= 0; c--)
          CELL (r, c) = lines_equal (&g_array_index (a, Line, head + r), &g_array_index (b, Line, head + c))
                        ? CELL (r + 1, c + 1) + 1
                        : MAX (CELL (r + 1, c), CELL (r, c + 1));
      while (i < rows || j < cols)
        {
          if (i < rows && j < cols
              && lines_equal (&g_array_index (a, Line, head + i), &g_array_index (b, Line, head + j)))
            {
              add_op (ops, OP_SAME, head + i, head + j);
              i++;
              j++;
            }
          else if (j >= cols || (i < rows && CELL (i + 1, j) >= CELL (i, j + 1)))
            add_op (ops, OP_DELETE, head + i++, head + j);
          else
            add_op (ops, OP_INSERT, head + i, head + j++);
        }
#undef CELL
    }
  else
    {
      for (guint i = 0; i < rows; i++)
        add_op (ops, OP_DELETE, head + i, head + cols);
      for (guint j = 0; j < cols; j++)
        add_op (ops, OP_INSERT, head + rows, head + j);
    }

  for (guint i = 0; i < tail; i++)
    add_op (ops, OP_SAME, n - tail + i, m - tail + i);
  return ops;
}

static void
append_line (GString    *out,
             char        prefix,
             const Line *line)
{
  g_string_append_c (out, prefix);
  g_string_append_len (out, line->start, line->len);
  if (line->len == 0 || line->start[line->len - 1] != '\n')
    g_string_append (out, "\n\\ No newline at end of file\n");
}

static void
append_range (GString *out,
              char     sign,
              guint    start,
              guint    count)
{
  /* diff -u: "-5" for one line, "-4,0" (the line before) for none */
  if (count == 1)
    g_string_append_printf (out, "%c%u", sign, start + 1);
  else
    g_string_append_printf (out, "%c%u,%u", sign, count == 0 ? start : start + 1, count);
}

char *
pp_diff_unified (const char *path,
                 const char *old_text,
                 const char *new_text,
                 guint       context)
{
  g_autoptr(GArray) a = split_lines (old_text);
  g_autoptr(GArray) b = split_lines (new_text);
  g_autoptr(GArray) ops = diff_lines (a, b);
  GString *out = g_string_new (NULL);
  const char *relative = path[0] == '/' ? path + 1 : path;
  guint i = 0;

  while (i < ops->len)
    {
      guint first_change, hunk_start, hunk_end, k;
      guint old_start, new_start, old_count = 0, new_count = 0;

      while (i < ops->len && g_array_index (ops, Op, i).kind == OP_SAME)
        i++;
      if (i >= ops->len)
        break;
      first_change = i;
      hunk_start = first_change > context ? first_change - context : 0;

      /* extend while the next change is within 2 * context of the last */
      hunk_end = first_change;
      k = first_change;
      while (k < ops->len)
        {
          guint same = 0;

          while (k < ops->len && g_array_index (ops, Op, k).kind != OP_SAME)
            k++;
          hunk_end = k;
          while (k < ops->len && g_array_index (ops, Op, k).kind == OP_SAME)
            {
              same++;
              k++;
            }
          if (k >= ops->len || same > 2 * context)
            break;
        }
      hunk_end = MIN (hunk_end + context, ops->len);

      old_start = g_array_index (ops, Op, hunk_start).old_index;
      new_start = g_array_index (ops, Op, hunk_start).new_index;
      for (guint h = hunk_start; h < hunk_end; h++)
        {
          OpKind kind = g_array_index (ops, Op, h).kind;

          old_count += kind != OP_INSERT;
          new_count += kind != OP_DELETE;
        }

      if (out->len == 0)
        {
          if (old_text == NULL)
            g_string_append (out, "--- /dev/null\n");
          else
            g_string_append_printf (out, "--- a/%s\n", relative);
          g_string_append_printf (out, "+++ b/%s\n", relative);
        }
      g_string_append (out, "@@ ");
      append_range (out, '-', old_start, old_count);
      g_string_append_c (out, ' ');
      append_range (out, '+', new_start, new_count);
      g_string_append (out, " @@\n");

      for (guint h = hunk_start; h < hunk_end; h++)
        {
          Op *op = &g_array_index (ops, Op, h);

          if (op->kind == OP_SAME)
            append_line (out, ' ', &g_array_index (a, Line, op->old_index));
          else if (op->kind == OP_DELETE)
            append_line (out, '-', &g_array_index (a, Line, op->old_index));
          else
            append_line (out, '+', &g_array_index (b, Line, op->new_index));
        }
      i = hunk_end;
    }
  return g_string_free (out, FALSE);
}
