/* vigil: acting on the filesystem with a target's credentials. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vigil/target_creds.h"

static int
read_status (pid_t tid, char *buf, size_t size)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/status", (int) tid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, size - 1);
  int e = errno;
  close (fd);
  if (n <= 0)
    {
      errno = n == 0 ? ESRCH : e;
      return -1;
    }
  buf[n] = '\0';
  return 0;
}

static const char *
status_line (const char *buf, const char *key)
{
  size_t k = strlen (key);
  for (const char *p = buf; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    if (strncmp (p, key, k) == 0)
      return p + k;
  return NULL;
}

/* The fourth number of "Uid:\treal\teffective\tsaved\tfs". */
static int
fourth (const char *line, unsigned long *out)
{
  char *end;
  for (int i = 0; i < 4; i++)
    {
      if (line == NULL)
        return -1;
      *out = strtoul (line, &end, 10);
      if (end == line)
        return -1;
      line = end;
    }
  return 0;
}

int
target_creds_read (pid_t tid, struct target_creds *c, vigil_error_t *err)
{
  char buf[4096];
  const char *l;
  unsigned long v;

  if (read_status (tid, buf, sizeof buf) < 0)
    return vigil_make_error (err, errno, "/proc/%d/status", (int) tid);
  memset (c, 0, sizeof *c);
  if (fourth (status_line (buf, "Uid:"), &v) < 0)
    return vigil_make_error (err, EIO, "/proc/%d/status: no Uid line", (int) tid);
  c->fsuid = (uid_t) v;
  if (fourth (status_line (buf, "Gid:"), &v) < 0)
    return vigil_make_error (err, EIO, "/proc/%d/status: no Gid line", (int) tid);
  c->fsgid = (gid_t) v;
  l = status_line (buf, "Groups:");
  for (char *end; l && c->ngroups < TARGET_GROUPS_MAX; l = end)
    {
      v = strtoul (l, &end, 10);
      if (end == l)
        break;
      c->groups[c->ngroups++] = (gid_t) v;
    }
  l = status_line (buf, "CapEff:");
  if (l == NULL || sscanf (l, "%" SCNx64, &c->cap_effective) != 1)
    return vigil_make_error (err, EIO, "/proc/%d/status: no CapEff line", (int) tid);
  l = status_line (buf, "Umask:");
  c->umask = l ? (mode_t) strtoul (l, NULL, 8) : 022;
  return 0;
}

static int
caps_get (uint32_t eff[2], uint32_t prm[2], uint32_t inh[2])
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  if (syscall (SYS_capget, &h, d) < 0)
    return -1;
  for (int i = 0; i < 2; i++)
    {
      eff[i] = d[i].effective;
      prm[i] = d[i].permitted;
      inh[i] = d[i].inheritable;
    }
  return 0;
}

static int
caps_set (const uint32_t eff[2], const uint32_t prm[2], const uint32_t inh[2])
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  for (int i = 0; i < 2; i++)
    {
      d[i].effective = eff[i];
      d[i].permitted = prm[i];
      d[i].inheritable = inh[i];
    }
  return (int) syscall (SYS_capset, &h, d);
}

static uid_t
current_fsuid (void)
{
  return (uid_t) syscall (SYS_setfsuid, (uid_t) -1);
}

static gid_t
current_fsgid (void)
{
  return (gid_t) syscall (SYS_setfsgid, (gid_t) -1);
}

static bool
groups_equal (const gid_t *a, int na, const gid_t *b, int nb)
{
  if (na != nb)
    return false;
  for (int i = 0; i < na; i++)
    if (a[i] != b[i])
      return false;
  return true;
}

/* What the calling thread holds now. */
static int
snapshot (struct creds_saved *s, vigil_error_t *err)
{
  memset (s, 0, sizeof *s);
  if (caps_get (s->cap_eff, s->cap_prm, s->cap_inh) < 0)
    return vigil_make_error (err, errno, "capget");
  s->fsuid = current_fsuid ();
  s->fsgid = current_fsgid ();
  s->ngroups = (int) syscall (SYS_getgroups, TARGET_GROUPS_MAX, s->groups);
  if (s->ngroups < 0)
    return vigil_make_error (err, errno, "getgroups");
  return 0;
}

int
target_creds_assume (const struct target_creds *c, const struct creds_saved *self, struct creds_saved *s,
                     vigil_error_t *err)
{
  if (self)
    {
      *s = *self;
      s->groups_changed = s->caps_changed = false;
    }
  else if (snapshot (s, err) < 0)
    return -1;
  s->switched = true;
  if (!groups_equal (s->groups, s->ngroups, c->groups, c->ngroups))
    {
      if (syscall (SYS_setgroups, (size_t) c->ngroups, c->groups) < 0)
        goto fail;
      s->groups_changed = true;
    }
  /* setfsuid/setfsgid report failure only through the value read back. */
  if (s->fsgid != c->fsgid)
    {
      s->fsgid_changed = true;
      if ((syscall (SYS_setfsgid, c->fsgid), current_fsgid ()) != c->fsgid)
        goto fail;
    }
  if (s->fsuid != c->fsuid)
    {
      s->fsuid_changed = true;
      if ((syscall (SYS_setfsuid, c->fsuid), current_fsuid ()) != c->fsuid)
        goto fail;
    }
  uint32_t eff[2] = { s->cap_eff[0] & (uint32_t) c->cap_effective, s->cap_eff[1] & (uint32_t) (c->cap_effective >> 32) };
  if (eff[0] != s->cap_eff[0] || eff[1] != s->cap_eff[1])
    {
      if (caps_set (eff, s->cap_prm, s->cap_inh) < 0)
        goto fail;
      s->caps_changed = true;
    }
  return 0;
fail:
  {
    int e = errno ? errno : EPERM;
    target_creds_restore (s);
    return vigil_make_error (err, e, "cannot act with the target's credentials");
  }
}

void
target_creds_restore (struct creds_saved *s)
{
  if (!s->switched)
    return;
  /* Capabilities first: restoring groups and fsgid may need CAP_SETGID. */
  if (s->caps_changed || s->fsuid_changed)
    caps_set (s->cap_eff, s->cap_prm, s->cap_inh);
  if (s->groups_changed)
    syscall (SYS_setgroups, (size_t) s->ngroups, s->groups);
  if (s->fsgid_changed)
    syscall (SYS_setfsgid, s->fsgid);
  if (s->fsuid_changed)
    {
      syscall (SYS_setfsuid, s->fsuid);
      /* Returning to fsuid 0 raised the filesystem capabilities again;
       * make the effective set exactly what it was. */
      caps_set (s->cap_eff, s->cap_prm, s->cap_inh);
    }
  s->switched = false;
}

int
target_creds_become (const struct target_creds *c, vigil_error_t *err)
{
  uint32_t eff[2], prm[2], inh[2];

  if (caps_get (eff, prm, inh) < 0)
    return vigil_make_error (err, errno, "capget");
  if (syscall (SYS_setgroups, (size_t) c->ngroups, c->groups) < 0
      || syscall (SYS_setresgid, c->fsgid, c->fsgid, c->fsgid) < 0
      || syscall (SYS_setresuid, c->fsuid, c->fsuid, c->fsuid) < 0)
    return vigil_make_error (err, errno, "cannot take the target's credentials");
  /* Leaving uid 0 cleared the capabilities; from root to root, lower them. */
  if (caps_get (eff, prm, inh) < 0)
    return vigil_make_error (err, errno, "capget");
  uint32_t keep[2] = { (uint32_t) c->cap_effective, (uint32_t) (c->cap_effective >> 32) };
  for (int i = 0; i < 2; i++)
    {
      eff[i] &= keep[i];
      prm[i] &= keep[i];
      inh[i] &= keep[i];
    }
  if (caps_set (eff, prm, inh) < 0)
    return vigil_make_error (err, errno, "capset");
  return 0;
}

/* ---- the cache ---- */

const char *const target_creds_syscalls[] = {
  "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
  "setfsuid", "setfsgid", "setgroups", "capset", "umask",
  /* and the root a walk starts from */
  "chroot", "pivot_root", "setns", "unshare", NULL,
};

#define CREDS_CACHE_SLOTS 256

struct creds_slot {
  pid_t tid;
  uint64_t generation;
  uint64_t epoch;
  bool same;
  struct target_creds c;
};

struct creds_cache {
  uint64_t epoch; /* bumped by every invalidation; older slots are stale */
  struct target_creds self;
  struct creds_saved self_state;
  bool self_known;
  struct creds_slot slot[CREDS_CACHE_SLOTS];
};

struct creds_cache *
creds_cache_new (void)
{
  struct creds_cache *cc = xcalloc (1, sizeof *cc);

  cc->epoch = 1;
  cc->self_known = snapshot (&cc->self_state, NULL) == 0;
  cc->self.fsuid = cc->self_state.fsuid;
  cc->self.fsgid = cc->self_state.fsgid;
  cc->self.ngroups = cc->self_state.ngroups;
  memcpy (cc->self.groups, cc->self_state.groups, sizeof cc->self.groups);
  cc->self.cap_effective = (uint64_t) cc->self_state.cap_eff[1] << 32 | cc->self_state.cap_eff[0];
  return cc;
}

const struct creds_saved *
creds_cache_self (const struct creds_cache *cc)
{
  return cc->self_known ? &cc->self_state : NULL;
}

void
creds_cache_free (struct creds_cache *cc)
{
  free (cc);
}

void
creds_cache_invalidate (struct creds_cache *cc)
{
  cc->epoch++;
}

int
creds_cache_get (struct creds_cache *cc, pid_t tid, uint64_t generation, struct target_creds *out, bool *same,
                 vigil_error_t *err)
{
  struct creds_slot *sl = &cc->slot[(unsigned) tid % CREDS_CACHE_SLOTS];

  if (sl->epoch != cc->epoch || sl->tid != tid || sl->generation != generation)
    {
      if (target_creds_read (tid, &sl->c, err) < 0)
        {
          sl->epoch = 0;
          return -1;
        }
      sl->tid = tid;
      sl->generation = generation;
      sl->epoch = cc->epoch;
      /* The target may hold fewer capabilities than vigil, never more. */
      sl->same = cc->self_known && sl->c.fsuid == cc->self.fsuid && sl->c.fsgid == cc->self.fsgid
                 && groups_equal (sl->c.groups, sl->c.ngroups, cc->self.groups, cc->self.ngroups)
                 && (cc->self.cap_effective & ~sl->c.cap_effective) == 0;
    }
  *out = sl->c;
  *same = sl->same;
  return 0;
}
