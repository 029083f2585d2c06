/* vigil: the objects that deny and kill rules name (see object_ids.h):
 * the literal paths, their identities kept current, and the second look
 * at an emulated open under the object's other names. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/cnode.h"
#include "vigil/event_live.h"
#include "vigil/mount_names.h"
#include "vigil/object_ids.h"
#include "vigil/ops.h"
#include "vigil/path_resolve.h"
#include "vigil/rules.h"

/* ---- the literal paths of deny and kill rules ---- */

struct collected {
  const char *const *fields;
  const char **v;
  size_t n, cap;
  bool others; /* a comparison by another operator (startswith...) */
};

/* Fields are named by their key: "fd.name", "evt.arg.filename". */
static bool
is_collected_field (const struct collected *c, const struct field_ref *ref)
{
  for (size_t i = 0; ref && c->fields[i]; i++)
    if (strcmp (ref->key, c->fields[i]) == 0)
      return true;
  return false;
}

static void
collect_path (struct collected *c, const char *s)
{
  if (s[0] != '/')
    return;
  for (size_t i = 0; i < c->n; i++)
    if (strcmp (c->v[i], s) == 0)
      return;
  xgrow (&c->v, &c->cap, c->n, sizeof *c->v);
  c->v[c->n++] = s;
}

/* Every comparison in n, macros included, whatever its polarity: under a
 * `not`, evaluating with the name only makes the rule false. */
static void
collect_node (struct collected *c, const struct cnode *n)
{
  if (n == NULL)
    return;
  if ((n->kind == CN_CMP || n->kind == CN_CMP_VAL) && is_collected_field (c, n->ref))
    {
      if (n->kind == CN_CMP && (n->op == OP_EQ || n->op == OP_IN) && n->ref->ntr == 0)
        {
          size_t k;
          const char *const *strs = operand_strings (n->operand, &k);
          for (size_t i = 0; i < k; i++)
            collect_path (c, strs[i]);
        }
      else
        c->others = true;
      return;
    }
  for (uint32_t i = 0; i < n->n; i++)
    collect_node (c, n->kids[i]);
}

size_t
object_ids_collect (const struct ruleset *rs, const char *const *fields, const char ***out, bool *others)
{
  struct collected c = { .fields = fields };

  for (size_t i = 0; i < rs->nrules; i++)
    if (rs->rules[i].enabled && rs->rules[i].action != ACTION_LOG)
      collect_node (&c, rs->rules[i].cond);
  *out = c.v;
  if (others)
    *others = c.others;
  return c.n;
}

/* ---- identities, kept current ---- */

struct tracked {
  const char *path;
  bool exists;
  dev_t dev;
  ino_t ino;
};

struct watched_dir {
  int wd;
  char *dir;
};

struct object_ids {
  struct tracked *v;
  size_t n;
  int inotify;
  int mounts; /* /proc/self/mountinfo: POLLPRI when a mount changed */
  struct watched_dir *dirs;
  size_t ndirs, dirs_cap;
  bool stale;       /* stat the paths again before the next lookup */
  unsigned long reads; /* how often the paths were stat'ed */
  bool unwatchable; /* some directory could not be watched: stat every time */
};

#define DIR_EVENTS \
  (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static void
watch_dir (struct object_ids *o, const char *dir)
{
  int wd = inotify_add_watch (o->inotify, dir, DIR_EVENTS);
  if (wd < 0)
    {
      /* A missing directory's creation is seen in its parent. */
      if (errno != ENOENT && errno != ENOTDIR)
        o->unwatchable = true;
      return;
    }
  for (size_t i = 0; i < o->ndirs; i++)
    if (o->dirs[i].wd == wd && strcmp (o->dirs[i].dir, dir) == 0)
      return;
  xgrow (&o->dirs, &o->dirs_cap, o->ndirs, sizeof *o->dirs);
  o->dirs[o->ndirs++] = (struct watched_dir){ .wd = wd, .dir = xstrdup (dir) };
}

/* Watch every directory on the way to each path: a rename of any of
 * them changes what the path names. */
static void
watch_all (struct object_ids *o)
{
  for (size_t i = 0; i < o->ndirs; i++)
    {
      inotify_rm_watch (o->inotify, o->dirs[i].wd);
      free (o->dirs[i].dir);
    }
  o->ndirs = 0;
  o->unwatchable = false;
  for (size_t i = 0; i < o->n; i++)
    {
      char dir[PATH_MAX];
      snprintf (dir, sizeof dir, "%s", o->v[i].path);
      for (char *slash = strrchr (dir, '/'); slash; slash = strrchr (dir, '/'))
        {
          *slash = '\0';
          watch_dir (o, slash == dir ? "/" : dir);
          if (slash == dir)
            break;
        }
    }
}

static void
stat_all (struct object_ids *o)
{
  o->reads++;
  for (size_t i = 0; i < o->n; i++)
    {
      struct stat st;
      struct tracked *t = &o->v[i];
      t->exists = fstatat (AT_FDCWD, t->path, &st, AT_SYMLINK_NOFOLLOW) == 0;
      t->dev = t->exists ? st.st_dev : 0;
      t->ino = t->exists ? st.st_ino : 0;
    }
}

/* Does the name `name` in watched directory wd lie on the way to a
 * tracked path (or is it one)? */
static bool
event_concerns (const struct object_ids *o, int wd, const char *name)
{
  for (size_t d = 0; d < o->ndirs; d++)
    {
      if (o->dirs[d].wd != wd)
        continue;
      const char *dir = strcmp (o->dirs[d].dir, "/") == 0 ? "" : o->dirs[d].dir;
      size_t dl = strlen (dir), nl = strlen (name);
      for (size_t i = 0; i < o->n; i++)
        {
          const char *p = o->v[i].path;
          if (strncmp (p, dir, dl) == 0 && p[dl] == '/' && strncmp (p + dl + 1, name, nl) == 0
              && (p[dl + 1 + nl] == '\0' || p[dl + 1 + nl] == '/'))
            return true;
        }
    }
  return false;
}

static bool
is_watched (const struct object_ids *o, int wd)
{
  for (size_t d = 0; d < o->ndirs; d++)
    if (o->dirs[d].wd == wd)
      return true;
  return false;
}

static void
read_events (struct object_ids *o)
{
  char buf[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t len;

  while ((len = read (o->inotify, buf, sizeof buf)) > 0)
    for (char *p = buf; p < buf + len; p += sizeof (struct inotify_event) + ((struct inotify_event *) p)->len)
      {
        const struct inotify_event *e = (const struct inotify_event *) p;
        /* IN_IGNORED also ends the watches watch_all removed itself. */
        if ((e->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF))
            || ((e->mask & IN_IGNORED) && is_watched (o, e->wd)) || (e->len && event_concerns (o, e->wd, e->name)))
          o->stale = true;
      }
  if (len < 0 && errno != EAGAIN)
    o->unwatchable = true;
}

/* One poll: did anything change what the paths name? */
static void
refresh (struct object_ids *o)
{
  struct pollfd p[2] = { { o->inotify, POLLIN, 0 }, { o->mounts, POLLPRI, 0 } };

  if (poll (p, o->mounts >= 0 ? 2 : 1, 0) > 0)
    {
      if (p[0].revents & POLLIN)
        read_events (o);
      if (p[1].revents & (POLLPRI | POLLERR))
        o->stale = true;
    }
  if (o->stale)
    {
      /* Watch first, then stat: a change between the two is an event. */
      watch_all (o);
      stat_all (o);
      o->stale = false;
    }
  else if (o->unwatchable)
    stat_all (o);
}

struct object_ids *
object_ids_new (const char *const *paths, size_t n, vigil_error_t *err)
{
  if (n == 0)
    return NULL;
  struct object_ids *o = xcalloc (1, sizeof *o);
  o->v = xcalloc (n, sizeof *o->v);
  o->n = n;
  for (size_t i = 0; i < n; i++)
    o->v[i].path = paths[i];
  o->inotify = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (o->inotify < 0)
    {
      vigil_make_error (err, errno, "cannot watch the files deny and kill rules name (inotify)");
      object_ids_free (o);
      return NULL;
    }
  o->mounts = open ("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  o->stale = true;
  refresh (o);
  return o;
}

void
object_ids_free (struct object_ids *o)
{
  if (o == NULL)
    return;
  for (size_t i = 0; i < o->ndirs; i++)
    free (o->dirs[i].dir);
  free (o->dirs);
  if (o->inotify >= 0)
    close (o->inotify);
  if (o->mounts >= 0)
    close (o->mounts);
  free (o->v);
  free (o);
}

size_t
object_ids_names (struct object_ids *o, dev_t dev, ino_t ino, const char **names, size_t max)
{
  size_t n = 0;

  refresh (o);
  for (size_t i = 0; i < o->n && n < max; i++)
    if (o->v[i].exists && o->v[i].dev == dev && o->v[i].ino == ino)
      names[n++] = o->v[i].path;
  return n;
}

/* ---- the second look ---- */

/* Names evaluated besides the walk's: the path from the container's
 * root, a few through mounts, and a few hard links among the rules'
 * literals. */
#define MOUNTED_NAMES_MAX 3
#define OTHER_NAMES_MAX 8

static int
by_rule_order (const void *a, const void *b)
{
  size_t x = ((const struct rule_match *) a)->rule->index, y = ((const struct rule_match *) b)->rule->index;
  return x < y ? -1 : x > y;
}

/* Add scratch's deny and kill matches that m lacks.  Returns whether
 * any was added. */
static bool
add_enforcing (struct match_set *m, const struct match_set *scratch)
{
  bool added = false;

  for (size_t i = 0; i < scratch->n; i++)
    {
      const struct rule_match *s = &scratch->v[i];
      bool have = false;
      if (s->unknown || s->rule->action == ACTION_LOG)
        continue;
      for (size_t k = 0; k < m->n && !have; k++)
        have = m->v[k].rule == s->rule;
      if (!have)
        {
          match_set_add (m, s->rule);
          added = true;
        }
    }
  if (added)
    qsort (m->v, m->n, sizeof *m->v, by_rule_order);
  return added;
}

static bool
named_already (const char *name, const struct resolved_path *r, const char **names, size_t n)
{
  if (strcmp (name, r->path) == 0)
    return true;
  for (size_t i = 0; i < n; i++)
    if (strcmp (name, names[i]) == 0)
      return true;
  return false;
}

/* The names r's object has besides r->path.  Those of ids only when id
 * (its identity) is given: a hard link is another name of the object, not
 * of the directory entry. */
static size_t
other_names (struct object_ids *ids, struct mount_table *mounts, pid_t tid, const struct resolved_path *r,
             const struct stat *id, char (*mounted)[PATH_MAX], const char **names)
{
  size_t n = 0;

  if (r->container_path[0] && strcmp (r->container_path, r->path) != 0)
    names[n++] = r->container_path;
  size_t k = mounts ? mount_names (mounts, tid, r, mounted, MOUNTED_NAMES_MAX) : 0;
  for (size_t i = 0; i < k; i++)
    if (!named_already (mounted[i], r, names, n))
      names[n++] = mounted[i];
  if (ids && id)
    {
      const char *found[OTHER_NAMES_MAX - 1 - MOUNTED_NAMES_MAX];
      size_t f = object_ids_names (ids, id->st_dev, id->st_ino, found, ARRAY_SIZE (found));
      for (size_t i = 0; i < f; i++)
        if (!named_already (found[i], r, names, n))
          names[n++] = found[i];
    }
  return n;
}

/* Evaluate the rules again with *slot (what a field of ev reads) set to
 * each of names[0..n), adding their deny and kill matches to m.  Returns
 * the name that decided (made m's enforcing rule another), or NULL. */
static const char *
evaluate_under (const char *const *names, size_t n, const char **slot, const struct ruleset *rs,
                struct eval_state *st, struct live_event *ev, struct match_set *m, struct match_set *scratch)
{
  const char *decided = NULL;

  for (size_t i = 0; i < n && m->action != ACTION_KILL; i++)
    {
      *slot = names[i];
      eval_state_reset (st);
      rules_evaluate (rs, st, &ev->base, scratch);
      const struct rule *before = m->enforcing;
      if (add_enforcing (m, scratch) && m->enforcing != before)
        decided = names[i];
    }
  eval_state_reset (st);
  /* Alerts name the object as the container sees it. */
  return decided ? arena_strndup (ev->arena, decided, strlen (decided)) : NULL;
}

void
object_names_evaluate (struct object_ids *ids, struct mount_table *mounts, const struct ruleset *rs,
                       struct eval_state *st, struct live_event *ev, struct match_set *m, struct match_set *scratch)
{
  const struct resolved_path *r = ev->resolved;
  const char *names[OTHER_NAMES_MAX];
  char mounted[MOUNTED_NAMES_MAX][PATH_MAX];

  if (r == NULL || (ids == NULL && mounts == NULL && !r->container_path[0]))
    return;
  size_t n = other_names (ids, mounts, (pid_t) ev->req->pid, r, r->missing ? NULL : &r->st, mounted, names);
  if (n == 0)
    return;
  const char *decided = evaluate_under (names, n, &ev->object_name, rs, st, ev, m, scratch);
  ev->object_name = decided ? decided : r->container_path[0] ? r->container_path : NULL;
}

void
object_args_evaluate (struct object_ids *ids, struct mount_table *mounts, const struct ruleset *rs,
                      struct eval_state *st, struct live_event *ev, const struct object_arg *args, size_t nargs,
                      struct match_set *m, struct match_set *scratch)
{
  for (size_t a = 0; a < nargs; a++)
    {
      const struct resolved_path *r = args[a].r;
      const char **slot = args[a].slot;
      const char *names[OTHER_NAMES_MAX];
      char mounted[MOUNTED_NAMES_MAX][PATH_MAX];
      /* An object argument reached the object (path_call_reach_object). */
      bool object = args[a].object && !r->missing;
      size_t n = other_names (ids, mounts, (pid_t) ev->req->pid, r, object ? &r->st : NULL, mounted, names);
      if (n == 0)
        continue;
      const char *walked = *slot;
      const char *decided = evaluate_under (names, n, slot, rs, st, ev, m, scratch);
      *slot = decided ? decided : r->container_path[0] ? r->container_path : walked;
    }
}

unsigned long
object_ids_reads (const struct object_ids *o)
{
  return o->reads;
}
