/* Unit tests for target_creds.c: what is read of a target (every group,
 * capabilities that count in vigil's user namespace) and a thread that
 * assumes a target's credentials and comes back exactly to its own.
 * The switches need root; without it they are skipped (and say so). */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vigil/target_creds.h"

#define MANY 70

/* A child that takes gids 70001..70070 (or unshares its user namespace)
 * and waits to be read. */
static pid_t
start_target (bool userns)
{
  int ready[2];
  ck_assert_int_eq (pipe (ready), 0);
  pid_t pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      gid_t g[MANY];
      for (int i = 0; i < MANY; i++)
        g[i] = 70001 + (gid_t) i;
      int rc = userns ? unshare (CLONE_NEWUSER) : (int) syscall (SYS_setgroups, MANY, g);
      if (write (ready[1], &rc, sizeof rc) != sizeof rc)
        _exit (1);
      pause ();
      _exit (0);
    }
  int rc;
  ck_assert_int_eq (read (ready[0], &rc, sizeof rc), sizeof rc);
  close (ready[0]);
  close (ready[1]);
  ck_assert_int_eq (rc, 0);
  return pid;
}

static void
stop_target (pid_t pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

START_TEST (test_every_group_read)
{
  struct target_creds c;
  pid_t pid = start_target (false);
  ck_assert_int_eq (target_creds_read (pid, 0, &c, NULL), 0);
  ck_assert_int_eq (c.ngroups, MANY);
  ck_assert_int_eq (c.groups[MANY - 1], 70001 + MANY - 1);
  ck_assert_int_eq (c.euid, geteuid ());
  ck_assert (!c.other_userns);
  target_creds_release (&c);
  stop_target (pid);
}
END_TEST

START_TEST (test_other_userns_has_no_capabilities)
{
  struct target_creds c;
  pid_t pid = start_target (true);
  ck_assert_int_eq (target_creds_read (pid, 0, &c, NULL), 0);
  ck_assert (c.other_userns);
  ck_assert_uint_eq (c.cap_effective, 0);
  target_creds_release (&c);
  stop_target (pid);
}
END_TEST

static bool
saved_equal (const struct creds_saved *a, const struct creds_saved *b)
{
  return a->uid == b->uid && a->euid == b->euid && a->suid == b->suid && a->fsuid == b->fsuid && a->gid == b->gid
         && a->egid == b->egid && a->sgid == b->sgid && a->fsgid == b->fsgid && a->ngroups == b->ngroups
         && (a->ngroups == 0 || memcmp (a->groups, b->groups, (size_t) a->ngroups * sizeof *a->groups) == 0)
         && a->keepcaps == b->keepcaps && memcmp (a->cap_eff, b->cap_eff, sizeof a->cap_eff) == 0
         && memcmp (a->cap_prm, b->cap_prm, sizeof a->cap_prm) == 0;
}

/* In a thread of its own (the switches are per thread): assume uid 65534
 * with 70 groups and no capabilities, check, restore, compare. */
static void *
assume_and_restore (void *arg)
{
  (void) arg;
  struct creds_saved before, during, after, saved;
  gid_t g[MANY];
  for (int i = 0; i < MANY; i++)
    g[i] = 70001 + (gid_t) i;
  struct target_creds c = { .uid = 65534, .euid = 65534, .suid = 65534, .fsuid = 65534,
                            .gid = 65534, .egid = 65534, .sgid = 65534, .fsgid = 65534,
                            .groups = g, .ngroups = MANY, .cap_effective = 0, .umask = 022 };
  long ok = 0;
  if (creds_snapshot (&before, NULL) == 0 && target_creds_assume (&c, &before, &saved, NULL) == 0
      && creds_snapshot (&during, NULL) == 0)
    {
      ok = during.euid == 65534 && during.uid == 65534 && during.fsgid == 65534 && during.ngroups == MANY
           && during.cap_eff[0] == 0 && during.cap_eff[1] == 0;
      creds_saved_release (&during);
      target_creds_restore (&saved);
      ok = ok && creds_snapshot (&after, NULL) == 0 && saved_equal (&before, &after);
      creds_saved_release (&after);
    }
  creds_saved_release (&before);
  return (void *) ok;
}

START_TEST (test_assume_and_restore)
{
  pthread_t t;
  void *ok;
  ck_assert_int_eq (pthread_create (&t, NULL, assume_and_restore, NULL), 0);
  ck_assert_int_eq (pthread_join (t, &ok), 0);
  ck_assert_msg (ok == (void *) 1, "the thread did not come back to exactly its own credentials");
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("target_creds");
  TCase *tc = tcase_create ("target_creds");
  if (geteuid () == 0)
    {
      tcase_add_test (tc, test_every_group_read);
      tcase_add_test (tc, test_assume_and_restore);
    }
  else
    printf ("SKIP: not root: group and credential switch tests not run (run as root)\n");
  tcase_add_test (tc, test_other_userns_has_no_capabilities);
  suite_add_tcase (s, tc);
  SRunner *sr = srunner_create (s);
  srunner_run_all (sr, CK_NORMAL);
  int failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? 1 : 0;
}
