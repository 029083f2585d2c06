/* vigil: the capabilities the workload starts without, and vigil's own
 * protection from it (see protect.h). */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vigil/protect.h"

/* What lets a process reach another one or leave its namespaces. */
static const cap_value_t dropped[] = { CAP_SYS_PTRACE, CAP_SYS_ADMIN };

static bool
cap_in (cap_t c, cap_flag_t set, cap_value_t v)
{
  cap_flag_value_t on = CAP_CLEAR;
  return cap_get_flag (c, v, set, &on) == 0 && on == CAP_SET;
}

/* Could the workload obtain v through an exec, were it left in the
 * bounding set?  Root gains the bounding set at exec; others only what
 * they hold (no_new_privs ignores setuid bits and file capabilities). */
static bool
could_regain (cap_t cur, cap_value_t v)
{
  return geteuid () == 0 || getuid () == 0 || cap_in (cur, CAP_PERMITTED, v) || cap_in (cur, CAP_INHERITABLE, v);
}

int
protect_prepare (struct protect *p, bool keep_caps, vigil_error_t *err)
{
  memset (p, 0, sizeof *p);
  p->keep = keep_caps;
  if (keep_caps)
    return 0;
  p->caps = cap_get_proc ();
  if (p->caps == NULL)
    return vigil_make_error (err, errno, "cap_get_proc");
  bool can_setpcap = cap_in (p->caps, CAP_EFFECTIVE, CAP_SETPCAP);
  for (size_t i = 0; i < ARRAY_SIZE (dropped); i++)
    {
      if (cap_get_bound (dropped[i]) != 1)
        continue;
      if (can_setpcap)
        p->drop_bound = true;
      else if (could_regain (p->caps, dropped[i]))
        {
          char *name = cap_to_name (dropped[i]);
          vigil_make_error (err, 0,
                            "cannot remove %s from the workload's bounding set without CAP_SETPCAP "
                            "(use --keep-caps to run the workload with it)",
                            name ? name : "a capability");
          cap_free (name);
          protect_release (p);
          return -1;
        }
    }
  if (cap_set_flag (p->caps, CAP_EFFECTIVE, ARRAY_SIZE (dropped), dropped, CAP_CLEAR) < 0
      || cap_set_flag (p->caps, CAP_PERMITTED, ARRAY_SIZE (dropped), dropped, CAP_CLEAR) < 0
      || cap_set_flag (p->caps, CAP_INHERITABLE, ARRAY_SIZE (dropped), dropped, CAP_CLEAR) < 0)
    {
      protect_release (p);
      return vigil_make_error (err, errno, "cap_set_flag");
    }
  return 0;
}

int
protect_apply_in_child (const struct protect *p, const char **what)
{
  if (p->keep)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (dropped); i++)
    {
      /* The bounding set first: dropping needs CAP_SETPCAP, which the
       * workload keeps (it may need it to drop more of its own). */
      if (p->drop_bound && cap_get_bound (dropped[i]) == 1 && cap_drop_bound (dropped[i]) < 0)
        {
          *what = "cannot drop a capability from the bounding set";
          return -1;
        }
      /* Kernels before 4.3 have no ambient set: nothing to lower. */
      if (cap_set_ambient (dropped[i], CAP_CLEAR) < 0 && errno != EINVAL)
        {
          *what = "cannot lower an ambient capability";
          return -1;
        }
    }
  if (cap_set_proc (p->caps) < 0)
    {
      *what = "cannot drop capabilities";
      return -1;
    }
  return 0;
}

void
protect_release (struct protect *p)
{
  if (p->caps)
    cap_free (p->caps);
  p->caps = NULL;
}

int
protect_self (vigil_error_t *err)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return vigil_make_error (err, errno, "prctl(PR_SET_DUMPABLE)");
  return 0;
}

void
protect_log_startup (FILE *f)
{
  cap_t cur = cap_get_proc ();
  bool ptrace = cur && cap_in (cur, CAP_EFFECTIVE, CAP_SYS_PTRACE);

  if (cur)
    cap_free (cur);
  if (ptrace)
    fprintf (f, "vigil: CAP_SYS_PTRACE held: processes that switch uid or turn non-dumpable can be inspected\n");
  else
    fprintf (f, "vigil: CAP_SYS_PTRACE not held: a process that switches uid or turns non-dumpable cannot be "
                "inspected, and the syscalls deny/kill rules cover fail with EPERM for it\n");
  if (getpid () != 1)
    fprintf (f, "vigil: not PID 1 of its pid namespace: the filter refuses the workload's signals to vigil "
                "(kill(-1) and kill of vigil's process group with SIGKILL, SIGSTOP or a fault signal fail with EPERM; "
                "as a container entrypoint, or under unshare -pf, the kernel itself protects vigil)\n");
}
